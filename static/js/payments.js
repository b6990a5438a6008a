/*
 * The payment panel of a declaration's page (templates/payments/_panel.html).
 * - When the declaration changes (the "declaration:changed" event of live.js), the panel reloads itself.
 * - While a payment waits for the bank, the panel also polls (hx-trigger "every 3s"), in case a live update is missed.
 * - After each reload, the page's own payment badge and amount due follow the panel, and so do the status
 *   and channel badges, together, when the panel's state is newer (live.js, PortalLive.apply).
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
    // The panel reads the declaration after the rest of the page: its state (status and channel
    // together) goes through live.js, which puts it on the badges only if it is newer than theirs.
    if (window.PortalLive && el.dataset.seq) {
      window.PortalLive.apply({ id: Number(el.dataset.declaration), number: el.dataset.number || null,
                                status: el.dataset.declarationStatus, channel: el.dataset.declarationChannel || null,
                                seq: Number(el.dataset.seq) });
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
  // htmx:load fires on content htmx has just put in the page: the new panel after its own swap, or
  // the region of the page that holds it (live.js fetches it again).
  document.addEventListener("htmx:load", function (event) {
    var target = event.target;
    if (target && (target.id === "payment-panel" || (target.querySelector && target.querySelector("#payment-panel")))) { sync(); }
  });
})();
