/* Customs Portal: behaviour shared by every page (no inline scripts; data-* attributes drive it). */
(function () {
  "use strict";

  // <form data-confirm="Question?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    // <form data-submit-once>: disable its buttons once sent, after the browser has read the submitter.
    if (form.hasAttribute("data-submit-once")) {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    }
  });

  // Move focus to an error summary so that screen readers and keyboards land on it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus({ preventScroll: false });
    }
  });
})();
