// Small enhancements of pages that work without script. No inline handlers: the CSP forbids them.
"use strict";
(function () {
  // Put focus on an error summary when a form comes back with problems, so it is read out.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  });
})();

// Dialogs: a button with data-dialog="ID" opens <dialog id="ID"> as a modal; data-close closes
// the dialog it is in. Opening tells the dialog's content (htmx listens for "dialog-opened").
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  var opener = target.closest("[data-dialog]");
  if (opener) {
    var dialog = document.getElementById(opener.getAttribute("data-dialog"));
    if (dialog && typeof dialog.showModal === "function") {
      dialog.showModal();
      dialog.dispatchEvent(new Event("dialog-opened"));
    }
    return;
  }
  var closer = target.closest("[data-close]");
  if (closer) {
    var open = closer.closest("dialog");
    if (open) open.close();
  }
});

// Upload progress of a track form (htmx reports the request's upload progress).
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target instanceof Element ? event.target.closest(".track-form") : null;
  var progress = form ? form.querySelector(".track-progress") : null;
  var detail = event.detail;
  if (!progress || !detail || !detail.lengthComputable) return;
  progress.hidden = false;
  progress.value = Math.round((detail.loaded / detail.total) * 100);
});

// An error summary's link puts focus on the field it names (a fragment link only scrolls); for
// a group of choices, on its first control.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target : null;
  var link = target ? target.closest(".error-summary a[href^='#']") : null;
  if (!link) return;
  var named = document.getElementById(link.getAttribute("href").slice(1));
  if (!named) return;
  var control = named.matches("input, select, textarea")
    ? named
    : named.querySelector("input, select, textarea");
  if (!control) return;
  event.preventDefault();
  control.focus();
  control.scrollIntoView({ block: "center" });
});

// Drop zones: files dropped on a track form's zone go into its file input and are tracked at
// once. The input itself stays usable (choose files, then the button) without script.
(function () {
  function zoneOf(event) {
    return event.target instanceof Element ? event.target.closest("[data-drop-target]") : null;
  }
  function carriesFiles(event) {
    return event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0;
  }
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var zone = zoneOf(event);
      if (!zone || !carriesFiles(event)) return;
      event.preventDefault();
      zone.classList.add("drop-target--over");
    });
  });
  document.addEventListener("dragleave", function (event) {
    var zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("drop-target--over");
  });
  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone || !carriesFiles(event)) return;
    event.preventDefault();
    zone.classList.remove("drop-target--over");
    var input = zone.querySelector("input[type=file]");
    var form = zone.closest("form");
    if (!input || !form || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    form.requestSubmit();
  });
})();

// A record page's track form: once messages are tracked, the timeline shows them.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.target instanceof Element ? event.target.closest("form[data-refreshes]") : null;
  if (!form || !event.detail.successful || typeof htmx === "undefined") return;
  var list = document.getElementById(form.getAttribute("data-refreshes"));
  if (list) htmx.trigger(list, "timeline-refresh");
});
