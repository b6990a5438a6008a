/* Risk administration pages: bar widths from data-width (no inline styles), and the
 * "all / none" switches of checkbox lists. Content swapped in by htmx is handled too. */
(function () {
  "use strict";

  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (bar) {
      var width = parseFloat(bar.dataset.width);
      bar.style.width = (isFinite(width) ? Math.max(0, Math.min(100, width)) : 0) + "%";
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(applyWidths);
  } else {
    document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  }

  // <button data-check-all="#list" data-checked="true|false">: tick or untick every box in the list.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-check-all]");
    if (!button) {
      return;
    }
    var list = document.querySelector(button.dataset.checkAll);
    if (!list) {
      return;
    }
    var checked = button.dataset.checked === "true";
    list.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (!box.closest("[hidden]")) {
        box.checked = checked;
      }
    });
  });

  // <input data-filter-list="#list">: show only the list entries whose text contains what is typed.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.filterList) {
      return;
    }
    var needle = input.value.trim().toLowerCase();
    document.querySelectorAll(input.dataset.filterList + " [data-filter-text]").forEach(function (entry) {
      entry.hidden = needle !== "" && entry.dataset.filterText.toLowerCase().indexOf(needle) === -1;
    });
  });
})();
