// After a failed form the page starts with an error summary (includes/error_summary.html):
// move the keyboard focus there, so a screen reader reads it and Tab goes on from it, and
// make each of its links put the focus in the field it names (a fragment link only scrolls).
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector("label[for='" + CSS.escape(target.id) + "']");
    (label || target).scrollIntoView();
    target.focus({ preventScroll: true });
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary(document);
  });
  // Forms that htmx swaps in place bring their summary with them.
  document.addEventListener("htmx:afterSettle", function (event) {
    focusSummary(event.target);
  });
})();
