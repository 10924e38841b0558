/*
 * An Office host emulation for the Outlook add-in's pages: the parts of Office.js (the Mailbox
 * API) the add-in uses, written for the tests. It is served in place of Microsoft's office.js
 * (the browser test intercepts that one URL), configured by `window.__officeConfig` and records
 * every call that changes something in `window.__officeCalls`, so tests check what the add-in
 * asked of Outlook. Results arrive asynchronously, as Office.js delivers them.
 */
(() => {
  const config = window.__officeConfig ?? (window.opener && window.opener.__officeConfig) ?? {};
  const calls = (window.__officeCalls = []);
  const ok = (value) => ({ status: "succeeded", value });
  const later = (callback, result) => setTimeout(() => callback(result), 0);
  const record = (name, args) => calls.push({ name, args: JSON.parse(JSON.stringify(args ?? null)) });
  const minor = (version) => Number(String(version).split(".")[1] ?? 0);
  let categories = [...(config.categories ?? [])];
  let master = [...(config.masterCategories ?? [])];
  const headers = {};

  const item = {
    itemType: "message",
    internetMessageId: config.messageId,
    subject: config.subject ?? "",
    from: { emailAddress: config.from ?? "", displayName: "" },
    categories: {
      getAsync(callback) { later(callback, ok(categories.map((n) => ({ displayName: n })))); },
      addAsync(names, callback) {
        record("categories.addAsync", names);
        categories = [...new Set([...categories, ...names])];
        later(callback, ok());
      },
      removeAsync(names, callback) {
        record("categories.removeAsync", names);
        categories = categories.filter((n) => !names.includes(n));
        later(callback, ok());
      },
    },
    internetHeaders: {
      setAsync(values, callback) {
        record("internetHeaders.setAsync", values);
        Object.assign(headers, values);
        later(callback, ok());
      },
      getAsync(names, callback) {
        later(callback, ok(Object.fromEntries(names.filter((n) => n in headers).map((n) => [n, headers[n]]))));
      },
      removeAsync(names, callback) {
        record("internetHeaders.removeAsync", names);
        for (const name of names) delete headers[name];
        later(callback, ok());
      },
    },
  };
  if (minor(config.mailboxVersion ?? "1.14") >= 14) {
    item.getAsFileAsync = (callback) => {
      record("getAsFileAsync", null);
      later(callback, ok(config.rawBase64));
    };
  }

  let dialogHandlers = {};
  window.addEventListener("message", (event) => {
    if (event.data && event.data.__officeDialogMessage !== undefined) {
      const handler = dialogHandlers.dialogMessageReceived;
      if (handler) handler({ message: event.data.__officeDialogMessage });
    }
  });

  window.Office = {
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
    MailboxEnums: { CategoryColor: { Preset4: "Preset4" } },
    onReady: () => Promise.resolve({ host: "Outlook", platform: "OfficeOnline" }),
    context: {
      displayLanguage: config.language ?? "en-US",
      requirements: {
        isSetSupported: (name, version) =>
          name === "Mailbox" && minor(version) <= minor(config.mailboxVersion ?? "1.14"),
      },
      mailbox: {
        item,
        userProfile: { emailAddress: config.mailbox ?? "" },
        masterCategories: {
          getAsync(callback) { later(callback, ok(master.map((n) => ({ displayName: n, color: "Preset4" })))); },
          addAsync(values, callback) {
            record("masterCategories.addAsync", values);
            master = [...master, ...values.map((v) => v.displayName)];
            later(callback, ok());
          },
        },
      },
      ui: {
        displayDialogAsync(url, options, callback) {
          record("displayDialogAsync", url);
          const popup = window.open(url, "officeDialog", "popup");
          const dialog = {
            addEventHandler(kind, handler) { dialogHandlers[kind] = handler; },
            close() { record("dialog.close", null); popup.close(); },
          };
          later(callback, ok(dialog));
        },
        messageParent(message) {
          window.opener.postMessage({ __officeDialogMessage: message }, location.origin);
        },
      },
    },
  };
  window.__officeState = () => ({ categories, master, headers });
})();
