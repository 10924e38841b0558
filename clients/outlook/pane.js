/**
 * The read-mode tracking pane in Outlook: finds the open message's activity by its Internet
 * Message-ID and direction, and offers Track, Set Regarding, View in Correspondent, Untrack,
 * and Create contact / Create lead for unresolved addresses. The model is the one the
 * Thunderbird add-on shows (`shared/pane.js`); this file only talks to Outlook and renders.
 *
 * Tracking sends the full message (Mailbox 1.14, `getAsFileAsync`). Where Outlook lacks it, the
 * pane says so, sets the category that asks the sync to track it, and waits for the sync: it
 * never sends a reduced copy.
 */

import { ApiRefusal } from "../shared/api.js";
import { listItem, recordResults } from "../shared/dom.js";
import { mailboxMismatch } from "../shared/message.js";
import { PaneStatus, paneModel } from "../shared/pane.js";
import { languageOf, loadCatalogue } from "./catalogue.js";
import { TRACKED_CATEGORY } from "./constants.js";
import * as host from "./office-host.js";
import { currentApi, server, signIn } from "./session.js";

const $ = (id) => document.getElementById(id);
const WAIT_FOR_SYNC_MS = 5000;
let t = (key) => key;
let state = { me: null, message: null, activity: null, refusal: null, waiting: false };
let searchRun = 0;

function localise() {
  document.documentElement.lang = languageOf(Office.context.displayLanguage);
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  $("record-results").setAttribute("aria-label", t("searchLabel"));
}

function notice(text) {
  $("notice").textContent = text ?? "";
  $("notice").hidden = !text;
}

function partyItem(party, rawParty) {
  const item = listItem([
    [party.roleLabel, "role"],
    [party.displayName ? `${party.displayName} <${party.address}>` : party.address],
    [`— ${party.recordLabel}`, party.record ? "" : "hint"],
  ]);
  if (rawParty?.account) {
    item.append(listItem([[t("accountOf", [rawParty.account.name]), "hint"]]).firstChild);
  }
  const actions = state.activity?.actions ?? {};
  if (!party.record && !rawParty?.hidden) {
    for (const [type, key, allowed] of [
      ["contact", "buttonCreateContact", actions.create_contact],
      ["lead", "buttonCreateLead", actions.create_lead],
    ]) {
      if (!allowed) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = t(key);
      button.setAttribute("aria-label", `${t(key)}: ${party.address}`);
      button.addEventListener("click", () => act(() => createRecord(party.address, type)));
      item.append(button);
    }
  }
  return item;
}

function render() {
  const { me, message, activity } = state;
  const status = $("status");
  const mismatch = me ? mailboxMismatch([host.mailboxAddress()], me.user.email) : null;
  const model = paneModel(
    {
      signedIn: me != null,
      mismatch,
      message: { key: message.messageId, subject: message.subject, tagged: false },
      activity,
      pending: [],
      refusal: state.refusal,
    },
    t,
  );
  status.textContent = model.status === PaneStatus.SIGNED_OUT ? t("outlookSignedOut") : model.statusText;
  status.dataset.status = model.status;
  if (state.waiting && model.status === PaneStatus.NOT_TRACKED) {
    status.textContent = t("waitingForSync");
    status.dataset.status = PaneStatus.PENDING;
  }
  $("sign-in").hidden = model.status !== PaneStatus.SIGNED_OUT;
  $("details").hidden = model.activityId == null;
  $("regarding").textContent = model.regarding?.text ?? "";
  const rawParties = activity?.parties ?? [];
  $("participants").replaceChildren(...model.parties.map((p, i) => partyItem(p, rawParties[i])));
  $("attachments-heading").hidden = model.attachments.length === 0;
  $("attachments").replaceChildren(
    ...model.attachments.map((a) => listItem([[a.filename], [`— ${a.text}`, "hint"]])),
  );
  const actions = activity?.actions;
  $("track").hidden = !model.actions.track || state.waiting;
  $("set-regarding").hidden = !model.actions.setRegarding || (actions && !actions.set_regarding);
  $("view").hidden = !model.actions.view;
  $("untrack").hidden = !model.actions.untrack || (actions && !actions.untrack);
  $("untrack-delete").hidden = actions ? !actions.delete : false;
}

async function lookUp(api) {
  try {
    return await api.request("GET", "/activities/by-message-id", {
      query: { message_id: state.message.messageId, direction: state.message.direction },
    });
  } catch (error) {
    if (error instanceof ApiRefusal && error.status === 404) return null;
    throw error;
  }
}

async function refresh() {
  const api = currentApi();
  state.me = api ? await api.me().catch((error) => (error.signInNeeded ? null : Promise.reject(error))) : null;
  state.activity = state.me ? await lookUp(api) : null;
  render();
}

async function act(operation) {
  const status = $("status");
  status.textContent = t("working");
  status.dataset.status = "working";
  try {
    await operation();
    state.refusal = null;
  } catch (error) {
    state.refusal = error.message;
  }
  render();
}

async function markTracked(tracked) {
  try {
    await host.setTrackedCategory(tracked);
  } catch (error) {
    notice(t("categoryFailed", [TRACKED_CATEGORY, error.message]));
  }
}

async function track(regarding = null) {
  const api = currentApi();
  if (!host.supports(host.SETS.FULL_MESSAGE)) {
    notice(t("noFullMessage", [TRACKED_CATEGORY]));
    await markTracked(true);
    waitForSync(api);
    return;
  }
  const raw = await host.fullMessage();
  const answer = await api.track(raw, { regarding });
  state.activity = await lookUp(api) ?? answer.activity;
  await markTracked(true);
}

function waitForSync(api) {
  if (state.waiting) return;
  state.waiting = true;
  const poll = async () => {
    const found = await lookUp(api).catch(() => null);
    if (found) {
      state.activity = found;
      state.waiting = false;
      notice(null);
      render();
      return;
    }
    setTimeout(poll, WAIT_FOR_SYNC_MS);
  };
  setTimeout(poll, WAIT_FOR_SYNC_MS);
}

async function setRegarding(ref) {
  const api = currentApi();
  if (!state.activity) {
    await track(ref);
    return;
  }
  await api.setRegarding(state.activity.id, ref);
  state.activity = await api.getActivity(state.activity.id);
}

async function untrack(deleteActivity) {
  const api = currentApi();
  await api.untrack(state.activity.id, { deleteActivity });
  await markTracked(false);
  state.activity = null;
  state.activity = await lookUp(api);
  if (state.activity?.status === "untracked") state.activity = null;
}

async function createRecord(address, type) {
  const api = currentApi();
  const created = await api.request("POST", `/activities/${state.activity.id}/party-records`, {
    body: { address, type },
  });
  state.activity = created.activity;
  notice(t("createdRecord", [created.record?.name ?? address]));
}

async function searchRecords() {
  const run = ++searchRun;
  const type = $("record-type").value;
  const items = await currentApi().searchRecords(type, $("record-search").value.trim());
  if (run !== searchRun) return; // a later keystroke started a newer search
  const results = recordResults(items, t, (record) => {
    $("regarding-form").hidden = true;
    act(() => setRegarding({ type, id: record.id }));
  });
  $("record-results").replaceChildren(...results);
}

function wire() {
  const reportSearch = () => searchRecords().catch((error) => { $("status").textContent = error.message; });
  $("sign-in").addEventListener("click", () => act(async () => { await signIn(); await refresh(); }));
  $("track").addEventListener("click", () => act(() => track()));
  $("view").addEventListener("click", () => {
    window.open(`${server()}/activities/${encodeURIComponent(state.activity.id)}`, "_blank", "noopener");
  });
  $("set-regarding").addEventListener("click", () => {
    $("regarding-form").hidden = false;
    $("record-search").focus();
    reportSearch();
  });
  $("record-search").addEventListener("input", reportSearch);
  $("record-type").addEventListener("change", reportSearch);
  $("regarding-form").addEventListener("submit", (event) => event.preventDefault());
  $("regarding-cancel").addEventListener("click", () => { $("regarding-form").hidden = true; });
  $("untrack").addEventListener("click", () => { $("untrack-choice").hidden = false; });
  $("untrack-cancel").addEventListener("click", () => { $("untrack-choice").hidden = true; });
  for (const [id, deleteActivity] of [["untrack-keep", false], ["untrack-delete", true]]) {
    $(id).addEventListener("click", () => {
      $("untrack-choice").hidden = true;
      act(() => untrack(deleteActivity));
    });
  }
}

async function start() {
  t = await loadCatalogue(`${server()}/addin/outlook`, languageOf(Office.context.displayLanguage));
  localise();
  wire();
  state.message = host.openMessage();
  await refresh();
  if (!host.supports("1.5")) notice(t("needsMailbox", ["1.5"]));
}

Office.onReady()
  .then(start)
  .catch((error) => {
    $("status").textContent = error.message;
    $("status").dataset.status = "refused";
  });
