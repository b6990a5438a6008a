/*
 * Live updates of declarations (see README, "Live updates").
 * Any element with data-live-declaration="<id>" is updated when that declaration changes:
 *   [data-live-field="status"]  gets the new status label (text) and data-status,
 *   [data-live-field="channel"] gets the new channel label and data-channel.
 * Labels come from data-status-labels / data-channel-labels (JSON) on <body>, so they follow the language.
 * Elements with data-live-refresh (e.g. a list) reload their hx-get when any declaration changes.
 */
(function () {
  "use strict";
  var body = document.body;
  if (!body || body.dataset.liveUpdates !== "on") { return; }
  var statusLabels = JSON.parse(body.dataset.statusLabels || "{}");
  var channelLabels = JSON.parse(body.dataset.channelLabels || "{}");
  var retry = 1000;

  function apply(declaration) {
    var nodes = document.querySelectorAll('[data-live-declaration="' + declaration.id + '"]');
    nodes.forEach(function (node) {
      node.querySelectorAll('[data-live-field="status"]').forEach(function (el) {
        el.textContent = statusLabels[declaration.status] || declaration.status;
        el.dataset.status = declaration.status;
        el.className = el.className.replace(/\bstatus-\S+/g, "") + " status-" + declaration.status;
      });
      node.querySelectorAll('[data-live-field="channel"]').forEach(function (el) {
        if (!declaration.channel) { return; }
        el.textContent = channelLabels[declaration.channel] || declaration.channel;
        el.dataset.channel = declaration.channel;
        el.className = el.className.replace(/\bchannel-\S+/g, "") + " channel-" + declaration.channel;
        el.hidden = false;
      });
      node.querySelectorAll('[data-live-field="number"]').forEach(function (el) {
        if (declaration.number) { el.textContent = declaration.number; }
      });
    });
    document.querySelectorAll("[data-live-refresh]").forEach(function (el) {
      if (window.htmx) { window.htmx.trigger(el, "live-refresh"); }
    });
    document.dispatchEvent(new CustomEvent("declaration:changed", { detail: declaration }));
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/declarations/");
    socket.onopen = function () { retry = 1000; body.dataset.liveConnected = "yes"; };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "declaration.changed") { apply(message.declaration); }
    };
    socket.onclose = function (event) {
      body.dataset.liveConnected = "no";
      if (event.code === 4401 || event.code === 4403) { return; }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();
