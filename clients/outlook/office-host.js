/**
 * What the add-in asks of Outlook, over Office.js (the Mailbox API), as promises.
 *
 * Every capability is checked against its requirement set first, so a client that lacks one
 * is told so (`Unsupported`) rather than failing somewhere inside Office.js:
 * categories and internet headers need Mailbox 1.8, the full message (`getAsFileAsync`) 1.14.
 */

import { TRACKED_CATEGORY } from "./constants.js";

export const SETS = Object.freeze({ CATEGORIES: "1.8", HEADERS: "1.8", FULL_MESSAGE: "1.14" });

/** This client lacks the Mailbox requirement set `version`. */
export class Unsupported extends Error {
  constructor(version) {
    super(`Mailbox ${version} is not supported by this Outlook.`);
    this.name = "Unsupported";
    this.version = version;
  }
}

export function supports(version) {
  return Boolean(Office.context.requirements?.isSetSupported("Mailbox", version));
}

function call(target, method, ...args) {
  return new Promise((resolve, reject) => {
    target[method](...args, (result) => {
      if (result.status === Office.AsyncResultStatus.Succeeded) resolve(result.value);
      else reject(new Error(result.error?.message || `${method} failed`));
    });
  });
}

function need(version) {
  if (!supports(version)) throw new Unsupported(version);
}

export function item() {
  return Office.context.mailbox.item;
}

export function mailboxAddress() {
  return String(Office.context.mailbox.userProfile?.emailAddress ?? "").toLowerCase();
}

/** The open message as the pane needs it (read mode). */
export function openMessage() {
  const current = item();
  const from = String(current.from?.emailAddress ?? "").toLowerCase();
  const own = mailboxAddress();
  return {
    messageId: current.internetMessageId ?? "",
    subject: current.subject ?? "",
    from,
    // Sent by the mailbox's own address: the outgoing copy (the API keeps the two apart).
    direction: from && from === own ? "outgoing" : "incoming",
  };
}

/** The full MIME of the open message as bytes (Mailbox 1.14). */
export async function fullMessage() {
  need(SETS.FULL_MESSAGE);
  const base64 = await call(item(), "getAsFileAsync");
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The category in the user's master list, created when missing. */
export async function ensureTrackedCategory() {
  need(SETS.CATEGORIES);
  const master = Office.context.mailbox.masterCategories;
  const known = (await call(master, "getAsync")) ?? [];
  if (known.some((category) => category.displayName === TRACKED_CATEGORY)) return false;
  await call(master, "addAsync", [
    { displayName: TRACKED_CATEGORY, color: Office.MailboxEnums.CategoryColor.Preset4 },
  ]);
  return true;
}

export async function setTrackedCategory(tracked) {
  need(SETS.CATEGORIES);
  if (tracked) {
    await ensureTrackedCategory();
    await call(item().categories, "addAsync", [TRACKED_CATEGORY]);
  } else {
    await call(item().categories, "removeAsync", [TRACKED_CATEGORY]);
  }
}

/** Write (or, with `value` null, remove) an internet header on the draft (compose mode). */
export async function setHeader(name, value) {
  need(SETS.HEADERS);
  if (value == null) await call(item().internetHeaders, "removeAsync", [name]);
  else await call(item().internetHeaders, "setAsync", { [name]: value });
}

export async function getHeader(name) {
  need(SETS.HEADERS);
  const found = await call(item().internetHeaders, "getAsync", [name]);
  return found?.[name] ?? null;
}

/**
 * Open `url` in an Office dialog and resolve with the first message it sends
 * (`Office.context.ui.messageParent`), closing the dialog.
 */
export function dialogMessage(url) {
  return new Promise((resolve, reject) => {
    Office.context.ui.displayDialogAsync(url, { height: 60, width: 30 }, (opened) => {
      if (opened.status !== Office.AsyncResultStatus.Succeeded) {
        reject(new Error(opened.error?.message || "The dialog did not open."));
        return;
      }
      const dialog = opened.value;
      dialog.addEventHandler(Office.EventType.DialogMessageReceived, (arg) => {
        dialog.close();
        resolve(arg.message);
      });
      dialog.addEventHandler(Office.EventType.DialogEventReceived, (arg) => {
        reject(new Error(`The dialog closed (${arg.error}).`));
      });
    });
  });
}
