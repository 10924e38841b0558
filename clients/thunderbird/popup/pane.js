/** The tracking pane: renders the model the background computes and sends the buttons there. */

import { localisePage, t } from "../page-text.js";

const $ = (id) => document.getElementById(id);
let pane = null;
let tabId = null;
let searchRun = 0;

async function ask(request) {
  const answer = await messenger.runtime.sendMessage(request);
  if (!answer?.ok) throw new Error(answer?.error?.message ?? "No answer from the add-on.");
  return answer.value;
}

function listItem(parts) {
  const item = document.createElement("li");
  for (const [text, className] of parts) {
    const span = document.createElement("span");
    span.textContent = text;
    if (className) span.className = className;
    item.append(span, " ");
  }
  return item;
}

const CREATE_KEYS = {
  contact: ["buttonCreateContact", "createContactFor"],
  lead: ["buttonCreateLead", "createLeadFor"],
};

function partyItem(party) {
  const item = listItem([
    [party.roleLabel, "role"],
    [party.displayName ? `${party.displayName} <${party.address}>` : party.address],
    [`— ${party.recordLabel}`, party.record ? "" : "hint"],
    ...(party.accountLabel ? [[party.accountLabel, "hint"]] : []),
  ]);
  for (const type of party.create) {
    const [label, name] = CREATE_KEYS[type];
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = t(label);
    button.setAttribute("aria-label", t(name, [party.address]));
    button.addEventListener("click", () => act({ kind: "createRecord", address: party.address, type }));
    item.append(button);
  }
  return item;
}

function render(model) {
  pane = model;
  const status = $("status");
  if (!model) {
    status.textContent = t("noMessage");
    status.dataset.status = "";
    for (const id of ["track", "set-regarding", "view", "untrack"]) $(id).hidden = true;
    return;
  }
  status.textContent = model.statusText;
  status.dataset.status = model.status;
  const known = model.activityId != null;
  $("details").hidden = !known;
  $("regarding").textContent = model.regarding?.text ?? "";
  $("participants").replaceChildren(...model.parties.map(partyItem));
  $("attachments-heading").hidden = model.attachments.length === 0;
  $("attachments").replaceChildren(
    ...model.attachments.map((a) => listItem([[a.filename], [`— ${a.text}`, "hint"]])),
  );
  $("track").hidden = !model.actions.track;
  $("set-regarding").hidden = !model.actions.setRegarding;
  $("view").hidden = !model.actions.view;
  $("untrack").hidden = !model.actions.untrack;
}

async function act(request) {
  const status = $("status");
  status.textContent = t("working");
  status.dataset.status = "working";
  try {
    render(await ask({ ...request, messageId: pane.messageId }));
  } catch (error) {
    status.textContent = error.message;
    status.dataset.status = "refused";
  }
}

async function searchRecords() {
  const run = ++searchRun;
  const type = $("record-type").value;
  const items = await ask({ kind: "searchRecords", type, text: $("record-search").value.trim() });
  if (run !== searchRun) return; // a later keystroke has started a newer search
  const results = items.map((record) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = record.name;
    button.setAttribute("aria-label", t("buttonChoose", [record.name]));
    button.addEventListener("click", async () => {
      $("regarding-form").hidden = true;
      await act({ kind: "setRegarding", regarding: { type, id: record.id } });
    });
    item.append(button);
    return item;
  });
  if (!results.length) results.push(listItem([[t("noRecordsFound"), "hint"]]));
  $("record-results").replaceChildren(...results);
}

function wire() {
  $("track").addEventListener("click", () => act({ kind: "track" }));
  $("view").addEventListener("click", () => ask({ kind: "view", activityId: pane.activityId }));
  $("set-regarding").addEventListener("click", () => {
    $("regarding-form").hidden = false;
    $("record-search").focus();
    searchRecords().catch((error) => {
      $("status").textContent = error.message;
    });
  });
  const search = () =>
    searchRecords().catch((error) => {
      $("status").textContent = error.message;
    });
  $("record-search").addEventListener("input", search);
  $("record-type").addEventListener("change", search);
  $("regarding-form").addEventListener("submit", (event) => event.preventDefault());
  $("regarding-cancel").addEventListener("click", () => {
    $("regarding-form").hidden = true;
  });
  $("untrack").addEventListener("click", () => {
    $("untrack-choice").hidden = false;
  });
  $("untrack-cancel").addEventListener("click", () => {
    $("untrack-choice").hidden = true;
  });
  for (const [id, deleteActivity] of [["untrack-keep", false], ["untrack-delete", true]]) {
    $(id).addEventListener("click", async () => {
      $("untrack-choice").hidden = true;
      await act({ kind: "untrack", deleteActivity });
    });
  }
  $("record-results").setAttribute("aria-label", t("searchLabel"));
  messenger.runtime.onMessage.addListener((message) => {
    if (message?.kind === "pane-changed" && pane && message.messageKey === pane.messageKey) {
      ask({ kind: "pane", tabId }).then(render, () => {});
    }
  });
}

async function start() {
  localisePage();
  wire();
  const params = new URLSearchParams(location.search);
  // A popup belongs to the active tab; a test or a tab can name the tab in `?tabId=`.
  tabId = params.has("tabId")
    ? Number(params.get("tabId"))
    : (await messenger.tabs.query({ active: true, currentWindow: true }))[0]?.id;
  render(await ask({ kind: "pane", tabId }));
  ask({ kind: "flush" }).catch(() => {});
}

start().catch((error) => {
  $("status").textContent = error.message;
});
