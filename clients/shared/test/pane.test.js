import assert from "node:assert/strict";
import { test } from "node:test";

import { PaneStatus, paneModel } from "../pane.js";

const t = (key, subs = []) => (subs.length ? `${key}(${subs.join("|")})` : key);
const message = { key: "mid:a@b", subject: "Quote", tagged: false };
const activity = {
  id: 12,
  status: "tracked",
  regarding: { type: "account", id: 3, name: "Customer Ltd" },
  parties: [
    { role: "from", address: "ann@customer.example", display_name: "Ann",
      record: { type: "contact", id: 5, name: "Ann Buyer" },
      account: { type: "account", id: 3, name: "Customer Ltd" } },
    { role: "to", address: "me@ourco.example", display_name: "", record: null },
    { role: "from", address: "x@unknown.example", display_name: "", record: null },
  ],
  attachments: [
    { filename: "quote.pdf", status: "saved", reason: "", inline: false },
    { filename: "tool.exe", status: "blocked", reason: "executable", inline: false },
    { filename: "logo.png", status: "saved", reason: "", inline: true },
  ],
  actions: { set_regarding: true, untrack: true, delete: true, create_contact: true, create_lead: false },
};

test("a tracked message shows regarding, parties with records, attachments kept or dropped", () => {
  const pane = paneModel({ signedIn: true, message, activity }, t);
  assert.equal(pane.status, PaneStatus.TRACKED);
  assert.equal(pane.statusText, "statusTracked");
  assert.equal(pane.activityId, 12);
  assert.equal(pane.regarding.text, "Customer Ltd (type_account)");
  assert.deepEqual(pane.parties.map((p) => [p.roleLabel, p.recordLabel, p.accountLabel, p.create]), [
    ["roleFrom", "Ann Buyer (type_contact)", "partyAccount(Customer Ltd)", []],
    ["roleTo", "partyUnresolved", "", []],
    ["roleFrom", "partyUnresolved", "", ["contact"]],
  ]);
  assert.deepEqual(pane.attachments.map((a) => [a.filename, a.kept, a.text]), [
    ["quote.pdf", true, "attachmentKept"],
    ["tool.exe", false, "attachmentDropped(executable)"],
  ]);
  assert.deepEqual(pane.actions, { track: false, setRegarding: true, view: true, untrack: true });
});

test("an untracked message offers Track and Set Regarding only", () => {
  const pane = paneModel({ signedIn: true, message }, t);
  assert.equal(pane.status, PaneStatus.NOT_TRACKED);
  assert.deepEqual(pane.actions, { track: true, setRegarding: true, view: false, untrack: false });
  assert.equal(pane.regarding, null);
});

test("queued operations show as pending before anything else known", () => {
  const pane = paneModel({ signedIn: true, message, pending: [{ seq: 1 }], activity }, t);
  assert.equal(pane.status, PaneStatus.PENDING);
  assert.equal(pane.statusText, "statusPending(1)");
  assert.equal(pane.actions.track, false);
});

test("a message tagged by another client counts as tracked without details", () => {
  const pane = paneModel({ signedIn: true, message: { ...message, tagged: true } }, t);
  assert.equal(pane.status, PaneStatus.TRACKED);
  assert.equal(pane.statusText, "statusTrackedElsewhere");
  assert.deepEqual(pane.actions, { track: false, setRegarding: true, view: false, untrack: true });
});

test("the wrong mailbox and signing out disable every action", () => {
  const wrong = paneModel(
    { signedIn: true, message, mismatch: { mailbox: "me@home.example", crm: "me@ourco.example" } },
    t,
  );
  assert.equal(wrong.statusText, "statusWrongMailbox(me@home.example|me@ourco.example)");
  assert.ok(Object.values(wrong.actions).every((allowed) => !allowed));
  const out = paneModel({ signedIn: false, message }, t);
  assert.equal(out.status, PaneStatus.SIGNED_OUT);
  assert.equal(out.statusText, "statusSignedOut");
  assert.ok(Object.values(out.actions).every((allowed) => !allowed));
  const revoked = paneModel({ signedIn: false, signedOutReason: "revoked", message }, t);
  assert.equal(revoked.status, PaneStatus.SIGNED_OUT);
  assert.equal(revoked.statusText, "statusSignedOutRevoked");
});

test("a refusal is shown with the server's reason and Track stays possible", () => {
  const pane = paneModel({ signedIn: true, message, refusal: "Too large." }, t);
  assert.equal(pane.statusText, "statusRefused(Too large.)");
  assert.equal(pane.actions.track, true);
});

test("the server's actions decide Set Regarding, Untrack and what may be created", () => {
  const readOnly = {
    ...activity,
    actions: { set_regarding: false, untrack: false, delete: false, create_contact: false, create_lead: true },
  };
  const pane = paneModel({ signedIn: true, message, activity: readOnly }, t);
  assert.equal(pane.actions.setRegarding, false);
  assert.equal(pane.actions.untrack, false);
  assert.equal(pane.actions.view, true);
  assert.deepEqual(pane.parties[2].create, ["lead"]);
});
