// Small enhancements of pages that work without script. No inline handlers: the CSP forbids them.
"use strict";
(function () {
  // Put focus on an error summary when a form comes back with problems, so it is read out.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  });
})();
