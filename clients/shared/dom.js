/**
 * The small pieces of DOM the panes build (the add-ons' pages and the Outlook panes): a list
 * item of text parts, and the record search's results as buttons with accessible names.
 */

/** `<li>` with one `<span>` per `[text, className]` part. */
export function listItem(parts) {
  const item = document.createElement("li");
  for (const [text, className] of parts) {
    const span = document.createElement("span");
    span.textContent = text;
    if (className) span.className = className;
    item.append(span, " ");
  }
  return item;
}

/** The search results: one "Choose <name>" button per record, or a "none found" line. */
export function recordResults(records, t, onChoose) {
  const results = records.map((record) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = record.name;
    button.setAttribute("aria-label", t("buttonChoose", [record.name]));
    button.addEventListener("click", () => onChoose(record));
    item.append(button);
    return item;
  });
  if (!results.length) results.push(listItem([[t("noRecordsFound"), "hint"]]));
  return results;
}
