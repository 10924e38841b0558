/**
 * The add-on's background: everything that talks to Correspondent or changes messages.
 *
 * The pane (popup/pane.html) asks for its model and sends the buttons' actions here with
 * `runtime.sendMessage`. Track and Set Regarding always go through the offline queue (the
 * queue is persisted before anything is sent), so online and offline take the same path: sent
 * at once when the server answers, kept and sent in order when it does not. Once tracked, the
 * message gets the `$tracked` tag, which Thunderbird stores on the server as the IMAP keyword
 * the server-side sync writes (`$Tracked`; keywords compare without case). Removing the tag
 * untracks.
 */

import { ApiRefusal, Unreachable } from "./shared/api.js";
import {
  TRACKED_TAG,
  accountAddresses,
  addressOf,
  binaryString,
  mailboxMismatch,
  rawBytes,
  shapeMessage,
} from "./shared/message.js";
import { paneModel } from "./shared/pane.js";
import { OperationKind, TrackingQueue } from "./shared/queue.js";
import { checkSignIn, currentApi, currentSignIn, signedOutReason } from "./sign-in.js";

const FLUSH_ALARM = "flush-queue";
const TAG_COLOUR = "#2E7D32";
const queue = new TrackingQueue(messenger.storage.local);
// Tag changes this add-on makes itself, so onUpdated does not take them for the user's.
const ownTagChanges = new Set();

const t = (key, subs) => messenger.i18n.getMessage(key, subs) || key;

/** What the add-on remembers about a message: `{activityId, activity, refusal}`. */
async function remembered(key) {
  const stored = await messenger.storage.local.get(`message:${key}`);
  return stored[`message:${key}`] ?? {};
}

async function remember(key, facts) {
  await messenger.storage.local.set({ [`message:${key}`]: facts });
}

async function forget(key) {
  await messenger.storage.local.remove(`message:${key}`);
}

async function ensureTrackedTag() {
  const tags = await messenger.messages.tags.list();
  if (!tags.some((tag) => tag.key === TRACKED_TAG)) {
    await messenger.messages.tags.create(TRACKED_TAG, t("tagName"), TAG_COLOUR);
  }
}

/** The message with this Internet Message-ID (ids of messages do not survive a restart). */
async function findMessages(shapedKey) {
  if (!shapedKey.startsWith("mid:")) return [];
  const found = await messenger.messages.query({ headerMessageId: shapedKey.slice(4) });
  return found.messages ?? [];
}

async function setTracked(key, tracked) {
  for (const header of await findMessages(key)) {
    const tags = new Set(header.tags);
    if (tags.has(TRACKED_TAG) === tracked) continue;
    if (tracked) tags.add(TRACKED_TAG);
    else tags.delete(TRACKED_TAG);
    ownTagChanges.add(header.id);
    await messenger.messages.update(header.id, { tags: [...tags] });
  }
}

async function mismatchFor(shaped, signIn) {
  if (!shaped.accountId) return null;
  const account = await messenger.accounts.get(shaped.accountId, false);
  return mailboxMismatch(accountAddresses(account), signIn.user.email);
}

/**
 * What the server knows of the message now, by its Message-ID: so a message tracked anywhere
 * else (the web app, a rule, a tracked folder, another client) shows its pane without tracking
 * it again. Doubles as the check that the token still holds: a 401 signs the add-on out (see
 * sign-in.js). Offline, what the add-on remembers stands.
 */
async function lookedUp(message, facts, signIn) {
  const api = await currentApi();
  if (!api || !message.key.startsWith("mid:")) {
    await checkSignIn();
    return facts;
  }
  const outgoing = addressOf(message.author) === addressOf(signIn.user.email);
  try {
    const activity = await api.findByMessageId(message.key.slice(4), {
      direction: outgoing ? "outgoing" : "incoming",
    });
    const found = { ...facts, activityId: activity.id, activity };
    await remember(message.key, found);
    return found;
  } catch (error) {
    if (error instanceof Unreachable || error.signInNeeded) return facts;
    if (error.status !== 404) throw error;
    // Not tracked (any more), or no longer readable: what was remembered is out of date.
    if (facts.activityId) await forget(message.key);
    return { refusal: facts.refusal ?? null };
  }
}

async function paneFor(header, { lookUp = false } = {}) {
  const message = shapeMessage(header);
  // Independent storage reads together: this runs after every action, before the pane shows.
  let [signIn, facts] = await Promise.all([currentSignIn(), remembered(message.key)]);
  const mismatch = signIn ? await mismatchFor(message, signIn) : null;
  // On opening, ask the server: the activity may have been tracked, changed or untracked
  // elsewhere, and the token may have been revoked on the web app's Mail client page.
  if (lookUp && signIn && !mismatch) {
    facts = await lookedUp(message, facts, signIn);
    signIn = await currentSignIn();
  } else if (lookUp && signIn) {
    signIn = await checkSignIn();
  }
  const [reason, pending] = await Promise.all([
    signIn ? null : signedOutReason(),
    queue.pendingFor(message.key),
  ]);
  const model = paneModel(
    {
      signedIn: signIn != null,
      signedOutReason: reason,
      mismatch: signIn ? mismatch : null,
      message,
      activity: facts.activity ?? null,
      pending,
      refusal: facts.refusal ?? null,
    },
    t,
  );
  return { ...model, messageId: header.id, messageKey: message.key };
}

async function displayedMessage(tabId) {
  const shown = await messenger.messageDisplay.getDisplayedMessages(tabId);
  const [header] = shown.messages ?? [];
  return header ?? null;
}

/** Refuse here, before anything is queued, what the server would refuse anyway. */
async function checkTrackable(header) {
  const signIn = await currentSignIn();
  if (!signIn) throw new ApiRefusal(t("statusSignedOut"), { status: 401 });
  const mismatch = await mismatchFor(shapeMessage(header), signIn);
  if (mismatch) {
    throw new ApiRefusal(t("statusWrongMailbox", [mismatch.mailbox, mismatch.crm]), {
      status: 403,
      code: "wrong_mailbox",
    });
  }
}

async function sendOperation(operation) {
  const api = await currentApi();
  if (!api) throw new ApiRefusal(t("statusSignedOut"), { status: 401 });
  if (operation.kind === OperationKind.TRACK) {
    const answer = await api.track(await rawBytes(operation.raw), {
      regarding: operation.regarding,
    });
    await remember(operation.messageKey, {
      activityId: answer.activity?.id ?? null,
      activity: answer.activity,
      refusal: null,
    });
    // The pane says "tracked" once the server has the activity; the tag (a write to the local
    // message database, then an IMAP STORE) follows without holding it up.
    setTracked(operation.messageKey, true).catch((error) =>
      console.error("Correspondent: setting the tracked tag failed:", error),
    );
    return answer;
  }
  if (operation.kind === OperationKind.SET_REGARDING) {
    const facts = await remembered(operation.messageKey);
    if (!facts.activityId) throw new ApiRefusal(t("statusNotTracked"), { status: 404 });
    const activity = await api.setRegarding(facts.activityId, operation.regarding);
    await remember(operation.messageKey, { ...facts, activity });
    return activity;
  }
  throw new ApiRefusal(`Unknown queued operation ${operation.kind}.`, { status: 400 });
}

async function refused(operation, error) {
  const facts = await remembered(operation.messageKey);
  await remember(operation.messageKey, { ...facts, refusal: error.message });
}

async function notifyPanes(keys) {
  for (const messageKey of new Set(keys)) {
    // No pane open is the usual case: sendMessage then has no receiver and rejects.
    messenger.runtime.sendMessage({ kind: "pane-changed", messageKey }).catch(() => {});
  }
}

async function flush() {
  const outcome = await queue.flush(sendOperation, { onRefused: refused });
  await notifyPanes([...outcome.sent, ...outcome.refused].map((o) => o.operation.messageKey));
  return outcome;
}

async function track(messageId, regarding) {
  const header = await messenger.messages.get(messageId);
  await checkTrackable(header);
  const raw = await messenger.messages.getRaw(messageId, { data_format: "File" });
  const message = shapeMessage(header);
  const facts = await remembered(message.key);
  await remember(message.key, { ...facts, refusal: null });
  await queue.enqueue({
    kind: OperationKind.TRACK,
    messageKey: message.key,
    raw: binaryString(await rawBytes(raw)),
    regarding: regarding ?? null,
  });
  await flush();
  return paneFor(await messenger.messages.get(messageId));
}

async function setRegarding(messageId, regarding) {
  const header = await messenger.messages.get(messageId);
  await checkTrackable(header);
  const message = shapeMessage(header);
  const facts = await remembered(message.key);
  const pending = await queue.pendingFor(message.key);
  if (!facts.activityId && !pending.length) return track(messageId, regarding);
  await queue.enqueue({ kind: OperationKind.SET_REGARDING, messageKey: message.key, regarding });
  await flush();
  return paneFor(await messenger.messages.get(messageId));
}

async function untrack(messageId, deleteActivity) {
  const header = await messenger.messages.get(messageId);
  await checkTrackable(header);
  const api = await currentApi();
  const message = shapeMessage(header);
  const facts = await remembered(message.key);
  if (facts.activityId) {
    await api.untrack(facts.activityId, { deleteActivity });
  } else if (deleteActivity) {
    // Deleting needs the activity's id, which only the add-on's own tracking learns.
    throw new ApiRefusal(t("deleteNeedsActivity"), { status: 409 });
  } else {
    // Tracked elsewhere (the tag came from the server): the add-on never learnt the activity id.
    await api.untrackMessage(await messenger.messages.getRaw(messageId, { data_format: "File" }));
  }
  await forget(message.key);
  await setTracked(message.key, false);
  return paneFor(await messenger.messages.get(messageId));
}

/** The user removed the tracked tag: untrack (the activity stays), as BEHAVIOUR §8 says. */
async function tagsChanged(header, changed) {
  if (!changed.tags || changed.tags.includes(TRACKED_TAG)) {
    ownTagChanges.delete(header.id);
    return;
  }
  if (ownTagChanges.delete(header.id)) return;
  const message = shapeMessage(header);
  const facts = await remembered(message.key);
  if (!facts.activityId) return; // the server's sync untracks on the keyword's removal anyway
  const api = await currentApi();
  if (!api) return;
  try {
    await api.untrack(facts.activityId, { deleteActivity: false });
  } catch (error) {
    // Unreachable: the keyword's removal reaches the server when Thunderbird reconnects, and
    // the sync untracks then. A refusal (already untracked) leaves nothing to do.
    console.warn("Correspondent: untracking after the tag was removed failed:", error.message);
  }
  await forget(message.key);
  notifyPanes([message.key]);
}

/** Create contact / Create lead for an unresolved address of the message's activity. */
async function createRecord(messageId, address, type) {
  const header = await messenger.messages.get(messageId);
  await checkTrackable(header);
  const message = shapeMessage(header);
  const facts = await remembered(message.key);
  if (!facts.activityId) throw new ApiRefusal(t("statusNotTracked"), { status: 409 });
  const api = await currentApi();
  const answer = await api.createPartyRecord(facts.activityId, address, type);
  await remember(message.key, { ...facts, activity: answer.activity });
  return paneFor(header);
}

async function searchRecords(type, text) {
  const api = await currentApi();
  if (!api) throw new ApiRefusal(t("statusSignedOut"), { status: 401 });
  return api.searchRecords(type, text, { limit: 10 });
}

async function openInCorrespondent(activityId) {
  const api = await currentApi();
  await messenger.windows.openDefaultBrowser(api.activityPageUrl(activityId));
}

const actions = {
  pane: async ({ tabId }) => {
    const header = await displayedMessage(tabId);
    return header ? paneFor(header, { lookUp: true }) : null;
  },
  track: ({ messageId, regarding }) => track(messageId, regarding),
  setRegarding: ({ messageId, regarding }) => setRegarding(messageId, regarding),
  untrack: ({ messageId, deleteActivity }) => untrack(messageId, Boolean(deleteActivity)),
  createRecord: ({ messageId, address, type }) => createRecord(messageId, address, type),
  searchRecords: ({ type, text }) => searchRecords(type, text),
  view: ({ activityId }) => openInCorrespondent(activityId),
  flush: async () => {
    const outcome = await flush();
    return { sent: outcome.sent.length, refused: outcome.refused.length };
  },
};

messenger.runtime.onMessage.addListener((request) => {
  const action = actions[request?.kind];
  if (!action) return undefined;
  // Errors travel back as data: a rejected promise loses the error's class and fields.
  return action(request).then(
    (value) => ({ ok: true, value }),
    (error) => ({ ok: false, error: { message: error.message, status: error.status ?? null } }),
  );
});
messenger.messages.onUpdated.addListener((header, changed) => {
  tagsChanged(header, changed).catch((error) => console.error("Correspondent:", error));
});
messenger.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === FLUSH_ALARM) flush().catch((error) => console.error("Correspondent:", error));
});
self.addEventListener("online", () => {
  flush().catch((error) => console.error("Correspondent:", error));
});

async function start() {
  await ensureTrackedTag();
  await messenger.alarms.create(FLUSH_ALARM, { periodInMinutes: 1 });
  await flush();
}

start().catch((error) => console.error("Correspondent: start-up failed:", error));
