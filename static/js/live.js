/*
 * Live updates of declarations over the WebSocket /ws/declarations/ (README, "Live updates").
 * Elements carrying data-declaration-id="<id>" are updated when that declaration changes:
 *   [data-status]  → the new status label, data-status and the status-* class;
 *   [data-channel] → the new channel label ("Green" or, with data-channel-format="long", "Green channel");
 *   [data-number]  → the declaration number.
 * Labels, in the page's language, come from the JSON script #live-labels.
 * A new status is announced in a small notice; a region marked data-live-refresh="<id>" (a page
 * showing that declaration in full) is fetched again on every change, including those that keep
 * the status (documents requested or supplied, taxes credited); a "declaration:changed" event
 * is dispatched. While a file is chosen in such a region (it could not be put back after the
 * fetch), the region is not replaced: a notice offers to show the changes.
 */
(function () {
  "use strict";
  var labelsNode = document.getElementById("live-labels");
  if (!labelsNode || !window.WebSocket) { return; }
  var labels = JSON.parse(labelsNode.textContent);
  var retry = 1000;

  // Replaces the one class naming a status or channel (status-registered, channel-green, …);
  // other classes that share the prefix, such as status-badge and channel-badge, stay.
  function swapClass(el, prefix, value, known) {
    Object.keys(known).concat(["none"]).forEach(function (name) {
      el.classList.remove(prefix + name);
    });
    el.classList.add(prefix + value);
  }

  function announce(declaration) {
    var host = document.getElementById("live-notices");
    if (!host || !declaration.number) { return; }
    var text = labels.changed
      .replace("%(number)s", declaration.number)
      .replace("%(status)s", labels.status[declaration.status] || declaration.status);
    var note = document.createElement("div");
    note.className = "alert alert-info shadow-sm py-2 mb-2 live-notice";
    note.setAttribute("role", "status");
    note.textContent = text;
    host.appendChild(note);
    setTimeout(function () { note.remove(); }, 8000);
  }

  // A page that shows one declaration in full (data-live-refresh="<id>") fetches itself again,
  // so its actions, amounts and documents follow the change; the page is not reloaded.
  // One fetch per region at a time: a change heard while a fetch is in flight may postdate
  // what that fetch returns, so another fetch follows it; the last swap is never stale.
  var refreshing = {};
  function refresh(declaration, force) {
    var region = document.querySelector('[data-live-refresh="' + declaration.id + '"]');
    if (!region || !window.htmx || !region.id) { return; }
    var id = region.id;
    if (refreshing[id]) { refreshing[id] = "again"; return; }
    if (!force && fileChosen(region)) { holdBack(region, declaration); return; }
    refreshing[id] = "busy";
    function done() {
      var again = refreshing[id] === "again";
      delete refreshing[id];
      var held = document.getElementById("live-held-" + id);
      if (held) { held.remove(); }
      if (again) { refresh(declaration); }
    }
    window.htmx.ajax("GET", window.location.href, { target: "#" + id, select: "#" + id, swap: "outerHTML" })
      .then(done, done);
  }

  function fileChosen(region) {
    return Array.prototype.some.call(region.querySelectorAll('input[type="file"]'), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  // The region stays as it is; one notice says the declaration changed and offers the new page.
  function holdBack(region, declaration) {
    var host = document.getElementById("live-notices");
    if (!host || document.getElementById("live-held-" + region.id)) { return; }
    var note = document.createElement("div");
    note.id = "live-held-" + region.id;
    note.className = "alert alert-warning shadow-sm py-2 mb-2 live-notice d-flex flex-wrap gap-2 align-items-center";
    note.setAttribute("role", "status");
    var text = document.createElement("span");
    text.textContent = labels.held;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-dark";
    button.textContent = labels.show;
    button.addEventListener("click", function () { refresh(declaration, true); });
    note.appendChild(text);
    note.appendChild(button);
    host.appendChild(note);
  }

  function apply(declaration) {
    var selector = '[data-declaration-id="' + declaration.id + '"]';
    var touched = false;
    document.querySelectorAll(selector + "[data-status]").forEach(function (el) {
      if (el.dataset.status !== declaration.status) { touched = true; }
      el.dataset.status = declaration.status;
      el.textContent = labels.status[declaration.status] || declaration.status;
      swapClass(el, "status-", declaration.status, labels.status);
    });
    document.querySelectorAll(selector + "[data-channel]").forEach(function (el) {
      var channel = declaration.channel || "";
      el.dataset.channel = channel;
      if (channel) {
        var map = el.dataset.channelFormat === "long" ? labels.channel_long : labels.channel;
        el.textContent = map[channel] || channel;
      }
      swapClass(el, "channel-", channel || "none", labels.channel);
    });
    document.querySelectorAll(selector + "[data-number]").forEach(function (el) {
      if (declaration.number) { el.textContent = declaration.number; el.hidden = false; }
    });
    if (touched) { announce(declaration); }
    refresh(declaration);
    document.dispatchEvent(new CustomEvent("declaration:changed", { detail: declaration }));
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/declarations/");
    socket.onopen = function () { retry = 1000; document.body.dataset.live = "connected"; };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "declaration.changed") { apply(message.declaration); }
    };
    socket.onclose = function (event) {
      document.body.dataset.live = "disconnected";
      if (event.code === 4401 || event.code === 4403) { return; }
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();
