/*
 * The officer's review pages (no inline scripts; data-* attributes drive it).
 *  - Review queue: a row whose declaration a colleague has just decided (live update from
 *    live.js, event "declaration:changed") is marked as decided instead of silently staying.
 *  - Review page: the action buttons show one action's form at a time (Bootstrap collapse), as do
 *    the buttons of the next step offered after an inspection;
 *    the open one's button is filled; when live.js re-fetches the page because a colleague
 *    decided or the trader supplied documents, what the officer was typing is put back, or
 *    shown if that action is gone.
 */
(function () {
  "use strict";
  var REVIEW_STATUSES = ["under_review", "under_inspection"];

  // Queue rows leave the queue when decided elsewhere.
  document.addEventListener("declaration:changed", function (event) {
    var declaration = event.detail || {};
    document.querySelectorAll('[data-queue-row][data-declaration-id="' + declaration.id + '"]').forEach(function (row) {
      row.classList.toggle("queue-row-decided", REVIEW_STATUSES.indexOf(declaration.status) === -1);
    });
  });

  // The next step after an inspection (declarations/views/review_inspection.py): its buttons open that
  // action's form (never close it, as the action buttons' toggle would) and bring it into view.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-next-step]");
    var panel = button && document.getElementById("action-" + button.dataset.nextStep);
    if (!panel || !window.bootstrap) { return; }
    window.bootstrap.Collapse.getOrCreateInstance(panel, { toggle: false }).show();
    panel.scrollIntoView({ block: "nearest" });
  });

  // Action buttons: the open form's button is solid, the others outlined.
  function styleToggles(root) {
    (root || document).querySelectorAll("[data-action-toggle]").forEach(function (button) {
      var panel = document.getElementById("action-" + button.dataset.actionToggle);
      var open = panel && (panel.dataset.opening === "true" || (panel.classList.contains("show") && panel.dataset.opening !== "false"));
      var style = button.dataset.style;
      button.classList.toggle("btn-" + style, !!open);
      button.classList.toggle("btn-outline-" + style, !open);
    });
  }
  // Restyle as soon as a panel starts opening or closing, not after the animation.
  document.addEventListener("show.bs.collapse", function (event) { event.target.dataset.opening = "true"; styleToggles(); });
  document.addEventListener("hide.bs.collapse", function (event) { event.target.dataset.opening = "false"; styleToggles(); });
  document.addEventListener("shown.bs.collapse", function (event) {
    delete event.target.dataset.opening;
    var field = event.target.querySelector("textarea, input[type=radio]");
    if (field) { field.focus(); }
  });
  document.addEventListener("hidden.bs.collapse", function (event) { delete event.target.dataset.opening; styleToggles(); });

  // Keep what the officer typed across the live refresh of #review-page.
  var drafts = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "review-page") { return; }
    drafts = [];
    target.querySelectorAll("[data-draft]").forEach(function (field) {
      if (field.value.trim()) {
        var form = field.closest("[data-action-form]");
        drafts.push({ key: field.dataset.draft, value: field.value,
                      action: form ? form.querySelector("button[type=submit]").textContent.trim() : "" });
      }
    });
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!drafts || !drafts.length) { drafts = null; return; }
    var page = document.getElementById("review-page");
    if (!page) { return; }
    var lost = [];
    drafts.forEach(function (draft) {
      var field = page.querySelector('[data-draft="' + draft.key + '"]');
      if (field) {
        field.value = draft.value;
        var panel = field.closest(".collapse");
        if (panel) { panel.classList.add("show"); }
      } else {
        lost.push(draft);
      }
    });
    drafts = null;
    styleToggles(page);
    if (lost.length) {
      var box = document.createElement("div");
      box.className = "alert alert-warning shadow-sm";
      box.setAttribute("role", "alert");
      box.id = "unsent-drafts";
      var title = document.createElement("p");
      title.className = "mb-1 fw-semibold";
      title.textContent = page.dataset.msgDraftLost || "";
      box.appendChild(title);
      lost.forEach(function (draft) {
        var quote = document.createElement("blockquote");
        quote.className = "unsent-text small mb-1";
        quote.textContent = draft.value;
        box.appendChild(quote);
      });
      var header = page.querySelector("#review-header");
      (header ? header.parentNode : page).insertBefore(box, header ? header.nextSibling : page.firstChild);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    styleToggles();
    var invalid = document.querySelector("[data-action-form] .is-invalid");
    if (invalid) { invalid.focus(); }
  });
})();
