/*
 * The payment panel of a declaration's page (templates/payments/_panel.html).
 * - When the declaration changes (the "declaration:changed" event of live.js), the panel reloads itself.
 * - While a payment waits for the bank, the panel also polls (hx-trigger "every 3s"), in case a live update is missed.
 * - After each reload, the page's own payment badge, amount due and status badge follow the panel.
 */
(function () {
  "use strict";

  function panel() { return document.getElementById("payment-panel"); }

  function swapClass(el, prefix, value) {
    Array.prototype.slice.call(el.classList).forEach(function (name) {
      if (name.indexOf(prefix) === 0) { el.classList.remove(name); }
    });
    el.classList.add(prefix + value);
  }

  function sync() {
    var el = panel();
    if (!el) { return; }
    var badge = document.getElementById("declaration-payment-status");
    if (badge) {
      badge.dataset.paymentStatus = el.dataset.paymentStatus;
      badge.textContent = el.dataset.paymentStatusLabel;
      swapClass(badge, "payment-", el.dataset.paymentStatus);
    }
    var due = document.getElementById("declaration-amount-due");
    if (due && el.dataset.amountDue) { due.textContent = el.dataset.amountDue; }
    var status = document.getElementById("declaration-status");
    if (status && status.dataset.status !== el.dataset.declarationStatus) {
      status.dataset.status = el.dataset.declarationStatus;
      status.textContent = el.dataset.declarationStatusLabel;
      swapClass(status, "status-", el.dataset.declarationStatus);
    }
  }

  // The panel's amount includes today's late interest even before the nightly update has stored it.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sync);
  } else {
    sync();
  }

  document.addEventListener("declaration:changed", function (event) {
    var el = panel();
    if (el && window.htmx && String(event.detail.id) === el.dataset.declaration) {
      window.htmx.trigger(el, "payments-refresh");
    }
  });
  // htmx:load fires on content htmx has just put in the page (the new panel after an outerHTML swap).
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.id === "payment-panel") { sync(); }
  });
})();
