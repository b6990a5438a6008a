/*
 * Live updates of declarations over the WebSocket /ws/declarations/ (README, "Live updates").
 * Elements carrying data-declaration-id="<id>" are updated when that declaration changes:
 *   [data-status]  → the new status label, data-status and the status-* class;
 *   [data-channel] → the new channel label ("Green" or, with data-channel-format="long", "Green channel");
 *   [data-number]  → the declaration number.
 * Labels, in the page's language, come from the JSON script #live-labels.
 *
 * A message carries the declaration's state whole (status and channel together) and its `seq`, the
 * order of its changes (declarations/live.py); elements carry the `data-seq` of the state they show.
 * Messages from the web server and the workers can arrive out of order: one older than what an
 * element shows never replaces it, so a status and a channel always come from the same state and
 * the page only moves forward. When the socket opens (first or again, after messages may have been
 * missed), the page asks the server for the state of the declarations it shows and applies it the same way.
 *
 * A new status is announced in a small notice; a region marked data-live-refresh="<id>" (a page
 * showing that declaration in full, with the data-seq of its state) is fetched again whenever a newer
 * state is heard, including those that keep the status (documents requested or supplied, taxes
 * credited); a "declaration:changed" event is dispatched. While a file is chosen in such a region
 * (it could not be put back after the fetch), the region is not replaced: a notice offers to show the changes.
 * `window.PortalLive.apply(state)` lets other scripts (payments.js) put a state they read through the same gate.
 */
(function () {
  "use strict";
  var labelsNode = document.getElementById("live-labels");
  if (!labelsNode || !window.WebSocket) { return; }
  var labels = JSON.parse(labelsNode.textContent);
  var retry = 1000;
  var newest = {};  // declaration id -> the greatest seq heard of it

  function seqOf(el) {
    var seq = Number(el && el.dataset.seq);
    return isFinite(seq) ? seq : 0;
  }

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

  function regionOf(id) {
    return document.querySelector('[data-live-refresh="' + id + '"]');
  }

  // A page that shows one declaration in full (data-live-refresh="<id>") fetches itself again,
  // so its actions, amounts and documents follow the change; the page is not reloaded.
  // One fetch per region at a time; when it lands with a state older than one heard meanwhile,
  // another fetch follows: the last swap is never stale.
  var refreshing = {};
  var lagging = {};  // region id -> fetches in a row that landed older than a state heard (a few, not forever)
  function refresh(id, force) {
    var region = regionOf(id);
    if (!region || !window.htmx || !region.id) { return; }
    var regionId = region.id;
    if (refreshing[regionId]) { refreshing[regionId] = "again"; return; }
    if (!force && fileChosen(region)) { holdBack(region, id); return; }
    refreshing[regionId] = "busy";
    function done() {
      var again = refreshing[regionId] === "again";
      delete refreshing[regionId];
      var held = document.getElementById("live-held-" + regionId);
      if (held) { held.remove(); }
      var fresh = regionOf(id);
      var behind = fresh && seqOf(fresh) < (newest[id] || 0);
      lagging[regionId] = behind ? (lagging[regionId] || 0) + 1 : 0;
      if (again || (behind && lagging[regionId] <= 3)) { refresh(id); }
    }
    window.htmx.ajax("GET", window.location.href, { target: "#" + regionId, select: "#" + regionId, swap: "outerHTML" })
      .then(done, done);
  }

  function fileChosen(region) {
    return Array.prototype.some.call(region.querySelectorAll('input[type="file"]'), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  // The region stays as it is; one notice says the declaration changed and offers the new page.
  function holdBack(region, id) {
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
    button.addEventListener("click", function () { refresh(id, true); });
    note.appendChild(text);
    note.appendChild(button);
    host.appendChild(note);
  }

  // Puts a state of a declaration on the page, unless the page already shows a newer one.
  function apply(declaration) {
    var id = declaration.id;
    var seq = Number(declaration.seq) || 0;
    if (seq > (newest[id] || 0)) { newest[id] = seq; }
    var selector = '[data-declaration-id="' + id + '"]';
    var touched = false;
    var updated = false;
    document.querySelectorAll(selector + "[data-status]").forEach(function (el) {
      if (seqOf(el) > seq) { return; }
      if (el.dataset.status !== declaration.status) { touched = true; }
      el.dataset.status = declaration.status;
      el.dataset.seq = seq;
      el.textContent = labels.status[declaration.status] || declaration.status;
      swapClass(el, "status-", declaration.status, labels.status);
      updated = true;
    });
    document.querySelectorAll(selector + "[data-channel]").forEach(function (el) {
      if (seqOf(el) > seq) { return; }
      var channel = declaration.channel || "";
      var long = el.dataset.channelFormat === "long";
      el.dataset.channel = channel;
      el.dataset.seq = seq;
      el.textContent = channel ? ((long ? labels.channel_long : labels.channel)[channel] || channel)
        : (long ? labels.no_channel_long : labels.no_channel);
      swapClass(el, "channel-", channel || "none", labels.channel);
      updated = true;
    });
    document.querySelectorAll(selector + "[data-number]").forEach(function (el) {
      if (declaration.number) { el.textContent = declaration.number; el.hidden = false; }
    });
    var region = regionOf(id);
    var regionStale = region && seqOf(region) < seq;
    if (!updated && !regionStale) { return; }  // nothing on the page is older than this state
    if (touched) { announce(declaration); }
    if (regionStale) { refresh(id); }
    document.dispatchEvent(new CustomEvent("declaration:changed", { detail: declaration }));
  }

  // The declarations the page shows, asked for in one request; their states go through `apply`.
  function resync() {
    var ids = {};
    document.querySelectorAll("[data-declaration-id][data-seq], [data-live-refresh]").forEach(function (el) {
      ids[el.dataset.declarationId || el.dataset.liveRefresh] = true;
    });
    var list = Object.keys(ids).slice(0, 100);
    if (!list.length || !window.fetch) { return; }
    var query = list.map(function (id) { return "id=" + encodeURIComponent(id); }).join("&");
    window.fetch(labels.state_url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { declarations: [] }; })
      .then(function (body) {
        (body.declarations || []).forEach(apply);
        document.body.dataset.liveSynced = String(Number(document.body.dataset.liveSynced || 0) + 1);
      })
      .catch(function () { /* the socket's next opening asks again */ });
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/declarations/");
    socket.onopen = function () {
      retry = 1000;
      document.body.dataset.live = "connected";
      resync();  // what changed while the page had no socket
    };
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

  window.PortalLive = { apply: apply, resync: resync };
  connect();
})();
