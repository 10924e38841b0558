/**
 * Compose mode: Set Regarding on a draft. The server signs a header for the user and the
 * chosen record (`POST /api/v1/regarding-header`); the pane writes it into the draft's internet
 * headers (Mailbox 1.8). Nothing else is needed when sending — also offline or days later:
 * when the sent copy reaches the synced Sent folder, the sync verifies the header and tracks
 * the message with that record.
 */

import { recordResults } from "../shared/dom.js";
import { languageOf, loadCatalogue } from "./catalogue.js";
import { REGARDING_HEADER } from "./constants.js";
import * as host from "./office-host.js";
import { currentApi, server, signIn } from "./session.js";

const $ = (id) => document.getElementById(id);
const CHOSEN_KEY = "correspondent.outlook.composeChoice";
let t = (key) => key;
let searchRun = 0;

function say(text, status = "") {
  $("status").textContent = text;
  $("status").dataset.status = status;
}

async function choose(type, record) {
  const api = currentApi();
  const header = await api.request("POST", "/regarding-header", {
    body: { regarding: `${type}:${record.id}` },
  });
  await host.setHeader(header.name, header.value);
  // The header carries only ids; the name is remembered for this pane only.
  sessionStorage.setItem(CHOSEN_KEY, JSON.stringify({ value: header.value, name: record.name }));
  say(t("composeChosen", [record.name]), "tracked");
  $("clear").hidden = false;
}

async function clear() {
  await host.setHeader(REGARDING_HEADER, null);
  sessionStorage.removeItem(CHOSEN_KEY);
  say(t("composeCleared"));
  $("clear").hidden = true;
}

async function searchRecords() {
  const run = ++searchRun;
  const type = $("record-type").value;
  const items = await currentApi().searchRecords(type, $("record-search").value.trim());
  if (run !== searchRun) return;
  const results = recordResults(items, t, (record) =>
    choose(type, record).catch((error) => say(error.message, "refused")),
  );
  $("record-results").replaceChildren(...results);
}

async function showCurrent() {
  const current = await host.getHeader(REGARDING_HEADER);
  const remembered = JSON.parse(sessionStorage.getItem(CHOSEN_KEY) ?? "null");
  if (current && remembered?.value === current) say(t("composeChosen", [remembered.name]), "tracked");
  else say(current ? t("composeChosen", [REGARDING_HEADER]) : t("composeNone"));
  $("clear").hidden = !current;
}

async function ready() {
  const api = currentApi();
  const me = api ? await api.me().catch(() => null) : null;
  $("sign-in").hidden = me != null;
  $("regarding-form").hidden = me == null;
  if (!me) {
    say(t("outlookSignedOut"));
    return;
  }
  if (!host.supports(host.SETS.HEADERS)) {
    say(t("needsMailbox", [host.SETS.HEADERS]), "refused");
    $("regarding-form").hidden = true;
    return;
  }
  await showCurrent();
  await searchRecords();
}

async function start() {
  t = await loadCatalogue(`${server()}/addin/outlook`, languageOf(Office.context.displayLanguage));
  document.documentElement.lang = languageOf(Office.context.displayLanguage);
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  $("record-results").setAttribute("aria-label", t("searchLabel"));
  const search = () => searchRecords().catch((error) => say(error.message, "refused"));
  $("record-search").addEventListener("input", search);
  $("record-type").addEventListener("change", search);
  $("regarding-form").addEventListener("submit", (event) => event.preventDefault());
  $("clear").addEventListener("click", () => clear().catch((error) => say(error.message, "refused")));
  $("sign-in").addEventListener("click", () =>
    signIn().then(ready).catch((error) => say(t("signInDialogFailed", [error.message]), "refused")),
  );
  await ready();
}

Office.onReady()
  .then(start)
  .catch((error) => say(error.message, "refused"));
