// Keeps the queue and an open conversation fresh by polling the console's JSON API.
// Builds DOM nodes with textContent only (no innerHTML), so visitor text cannot inject markup.
// Its Danish texts come from the server (the JSON API and the page), like the rest of the console's.
(function () {
  "use strict";
  var POLL_MS = 2000;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.assign("/console/login"); }
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      });
  }

  function poll(fn) {
    var busy = false;
    function tick() {
      if (busy) { return; }
      busy = true;
      fn().catch(function () {}).then(function () { busy = false; });
    }
    tick();
    window.setInterval(tick, POLL_MS);
  }

  // ---- the queue on /console ----
  function queueRow(item, csrf) {
    var row = el("tr", { "data-case": String(item.id) });
    row.appendChild(el("td", {}, String(item.position)));
    row.appendChild(el("td", { "class": "waited" }, item.waiting_text));
    row.appendChild(el("td", {}, item.topics));
    var cell = el("td");
    var form = el("form", { method: "post", action: item.claim_url, "class": "inline" });
    form.appendChild(el("input", { type: "hidden", name: "csrf_token", value: csrf }));
    form.appendChild(el("button", { type: "submit" }, item.claim_text));
    cell.appendChild(form);
    cell.appendChild(document.createTextNode(" "));
    cell.appendChild(el("a", { href: item.url }, item.read_text));
    row.appendChild(cell);
    return row;
  }

  // The queue count in the tab title, so a new visitor is seen from another tab.
  var baseTitle = document.title;
  function showCountInTitle(count) {
    document.title = count ? "(" + count + ") " + baseTitle : baseTitle;
  }

  function watchQueue(section) {
    var table = document.getElementById("koe-tabel");
    var tbody = table.querySelector("tbody");
    var empty = document.getElementById("koe-tom");
    var status = document.getElementById("koe-status");
    var csrfMeta = document.querySelector('meta[name="csrf-token"]');
    var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
    var lastIds = Array.prototype.map.call(tbody.rows, function (r) { return r.getAttribute("data-case"); }).join(",");

    poll(function () {
      return getJSON(section.getAttribute("data-queue-url")).then(function (result) {
        if (!result.ok) { return; }
        var waiting = result.body.waiting;
        showCountInTitle(waiting.length);
        var ids = waiting.map(function (item) { return String(item.id); }).join(",");
        if (ids === lastIds) {
          // Same cases: update the waiting times in place so keyboard focus stays put.
          waiting.forEach(function (item, i) {
            var cell = tbody.rows[i] && tbody.rows[i].querySelector(".waited");
            if (cell) { cell.textContent = item.waiting_text; }
          });
          return;
        }
        var focusedCase = document.activeElement && document.activeElement.closest("tr[data-case]");
        var focusedId = focusedCase ? focusedCase.getAttribute("data-case") : null;
        while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
        waiting.forEach(function (item) { tbody.appendChild(queueRow(item, csrf)); });
        table.hidden = waiting.length === 0;
        empty.hidden = waiting.length !== 0;
        status.textContent = result.body.count_text;
        if (focusedId) {
          var again = tbody.querySelector('tr[data-case="' + focusedId + '"] button');
          (again || section).focus();
        }
        lastIds = ids;
      });
    });
  }

  // ---- the conversation on /console/cases/{id} ----
  function watchTranscript(list) {
    var errorBox = document.getElementById("samtale-fejl");
    var statusBox = document.getElementById("sag-status");
    var emptyNote = document.getElementById("samtale-tom");
    var shown = list.children.length;

    poll(function () {
      return getJSON(list.getAttribute("data-transcript-url")).then(function (result) {
        var body = result.body;
        if (!result.ok || !body.lines) {
          errorBox.textContent = body.error || errorBox.getAttribute("data-unavailable");
          errorBox.hidden = false;
          return;
        }
        errorBox.hidden = true;
        if (statusBox && body.status !== "active" && body.status !== "waiting") {
          statusBox.textContent = body.status_text;
        }
        if (body.lines.length < shown) { shown = 0; while (list.firstChild) { list.removeChild(list.firstChild); } }
        body.lines.slice(shown).forEach(function (line) {
          var item = el("li", { "class": "line " + line.who });
          item.appendChild(el("span", { "class": "who" }, line.who_text));
          item.appendChild(el("span", { "class": "time" }, line.time_text));
          item.appendChild(el("p", { "class": "text" }, line.text));
          list.appendChild(item);
        });
        if (body.lines.length > shown) {
          list.scrollTop = list.scrollHeight;
          if (emptyNote) { emptyNote.hidden = true; }
        }
        shown = body.lines.length;
      });
    });
  }

  // Forms that end something for the visitor ask first.
  function confirmBeforeSubmit(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), confirmBeforeSubmit);
    var queue = document.getElementById("koe");
    if (queue) { watchQueue(queue); }
    var transcript = document.getElementById("samtale");
    if (transcript) {
      transcript.scrollTop = transcript.scrollHeight;
      watchTranscript(transcript);
    }
  });
})();
