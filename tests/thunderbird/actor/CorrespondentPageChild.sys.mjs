/**
 * Test-only window actor in the add-on's pages (the tracking pane popup, the options page):
 * reports what a user sees — the status text, and each visible button, field and list item with
 * its accessible name and position — so the test can press and type with real pointer and key
 * events at those positions. It never clicks or changes anything itself.
 */

function visible(element) {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && !element.closest("[hidden]");
}

function labelOf(doc, element) {
  const aria = element.getAttribute("aria-label");
  if (aria) return aria.trim();
  if (element.id) {
    const label = doc.querySelector(`label[for="${element.id}"]`);
    if (label) return label.textContent.trim();
  }
  return element.textContent.trim();
}

function rect(element) {
  const box = element.getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
}

export class CorrespondentPageChild extends JSWindowActorChild {
  receiveMessage({ name }) {
    if (name !== "describe") return null;
    const doc = this.document;
    const controls = [...doc.querySelectorAll("button, input, select")].filter(visible);
    const style = (element) => element && doc.defaultView.getComputedStyle(element);
    const status = doc.querySelector("[role=status]");
    return {
      url: doc.documentURI,
      lang: doc.documentElement.lang,
      // What the eye gets: the page's background and text colours, and the status line's.
      colours: {
        background: style(doc.body)?.backgroundColor ?? "",
        text: style(doc.body)?.color ?? "",
        status: style(status)?.color ?? "",
      },
      ready: doc.readyState === "complete",
      status: doc.querySelector("[role=status]")?.textContent.trim() ?? "",
      statusKind: doc.querySelector("[role=status]")?.dataset.status ?? "",
      text: doc.body?.innerText ?? "",
      focused: doc.activeElement ? labelOf(doc, doc.activeElement) : "",
      controls: controls.map((element) => ({
        role: element.localName === "button" ? "button" : element.localName === "select" ? "combobox" : "textbox",
        name: labelOf(doc, element),
        value: element.value ?? "",
        ...rect(element),
      })),
    };
  }
}
