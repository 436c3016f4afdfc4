// Keeps the queue and an open conversation live from the console's event stream
// (/console/api/events, server-sent events), sends messages without leaving the page, and
// tells the counsellor about a new visitor (tab title, optional sound, desktop notification).
// Builds DOM nodes with textContent only (no innerHTML), so visitor text cannot inject markup.
// Its Danish texts come from the server (the stream and data attributes of the page).
(function () {
  "use strict";
  var RETRY_MS = 3000;
  var TYPING_EVERY_MS = 3000;  // at most one "I am typing" a visitor's widget hears of
  var SOUND_KEY = "evejleder-console:lyd";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // ---- the event stream ----
  function listen(url, handlers) {
    var source = new EventSource(url);
    Object.keys(handlers).forEach(function (name) {
      source.addEventListener(name, function (event) { handlers[name](JSON.parse(event.data)); });
    });
    source.addEventListener("signed-out", function () { window.location.assign("/console/login"); });
    source.onerror = function () {
      if (source.readyState !== EventSource.CLOSED) { return; }  // it reconnects by itself
      // Refused (e.g. the session ended): ask why, then try again or go to the login page.
      fetch("/console/api/queue", { credentials: "same-origin" }).then(function (response) {
        if (response.status === 401) { window.location.assign("/console/login"); }
      }).catch(function () {}).then(function () {
        window.setTimeout(function () { listen(url, handlers); }, RETRY_MS);
      });
    };
    return source;
  }

  // ---- telling the counsellor about a new visitor ----
  function alerts(section) {
    var sound = document.getElementById("lyd");
    var notifyButton = document.getElementById("skrivebordsbesked");
    var notifyStatus = document.getElementById("skrivebordsbesked-status");
    var audio = null;

    sound.checked = window.localStorage.getItem(SOUND_KEY) === "1";
    sound.addEventListener("change", function () {
      window.localStorage.setItem(SOUND_KEY, sound.checked ? "1" : "0");
      if (sound.checked) { beep(); }  // a sample, and browsers allow sound after this click
    });

    function beep() {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) { return; }
      audio = audio || new Context();
      var tone = audio.createOscillator();
      var volume = audio.createGain();
      tone.frequency.value = 880;
      volume.gain.setValueAtTime(0.2, audio.currentTime);
      volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      tone.connect(volume).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
    }

    function showPermission() {
      var permission = window.Notification.permission;
      notifyButton.hidden = permission !== "default";
      notifyStatus.textContent = permission === "granted" ? notifyButton.getAttribute("data-granted")
        : permission === "denied" ? notifyButton.getAttribute("data-denied") : "";
    }
    if ("Notification" in window) {
      showPermission();
      // Browsers ask for permission only on a click of the user's.
      notifyButton.addEventListener("click", function () {
        Promise.resolve(window.Notification.requestPermission()).then(showPermission);
      });
    }

    // title: the data attribute of the queue section that words the news
    return function announce(title, item) {
      if (sound.checked) { beep(); }
      if ("Notification" in window && window.Notification.permission === "granted") {
        var note = new window.Notification(section.getAttribute(title), {
          body: item.question || "", tag: "evejleder-case-" + item.id,
        });
        note.onclick = function () { window.focus(); window.location.assign(item.url); };
      }
    };
  }

  // ---- the queue (front page and beside every case) ----
  function queueRow(item) {
    var row = el("tr", { "data-case": String(item.id) });
    row.appendChild(el("td", {}, String(item.position)));
    row.appendChild(el("td", { "class": "waited" }, item.waiting_text));
    row.appendChild(el("td", { "class": "question" }, item.question));
    row.appendChild(el("td", {}, item.topics));
    var cell = el("td");
    if (item.away_text) {
      // The visitor's chat window is gone: nobody to claim (the server refuses it too).
      cell.appendChild(el("span", { "class": "away" }, item.away_text));
    } else {
      var form = el("form", { method: "post", action: item.claim_url, "class": "inline" });
      form.appendChild(el("input", { type: "hidden", name: "csrf_token", value: csrfToken() }));
      form.appendChild(el("button", { type: "submit" }, item.claim_text));
      cell.appendChild(form);
    }
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

  // "Dine samtaler" on the front page: my open cases, each a link to its page.
  function mineView(list) {
    var empty = document.getElementById("mine-tom");
    var lastRows = null;
    return function update(mine) {
      var rows = JSON.stringify(mine.map(function (item) { return [item.id, item.label, item.claimed_text]; }));
      if (rows === lastRows) { return; }
      lastRows = rows;
      var focused = document.activeElement && document.activeElement.closest("#mine-liste li[data-case]");
      var focusedId = focused ? focused.getAttribute("data-case") : null;
      while (list.firstChild) { list.removeChild(list.firstChild); }
      mine.forEach(function (item) {
        var row = el("li", { "data-case": String(item.id) });
        row.appendChild(el("a", { href: item.url }, item.label));
        row.appendChild(document.createTextNode(item.claimed_text));
        list.appendChild(row);
      });
      list.hidden = mine.length === 0;
      empty.hidden = mine.length !== 0;
      if (focusedId) {
        var again = list.querySelector('li[data-case="' + focusedId + '"] a');
        if (again) { again.focus(); }
      }
    };
  }

  // "Andre eVejlederes samtaler" on the front page: a case handed to me leaves it at once.
  function othersView(list) {
    var heading = document.getElementById("andre-overskrift");
    var lastRows = null;
    return function update(state) {
      var others = state.others;
      var rows = JSON.stringify(others.map(function (item) { return [item.id, item.claimed_by]; }));
      if (rows === lastRows) { return; }
      lastRows = rows;
      while (list.firstChild) { list.removeChild(list.firstChild); }
      others.forEach(function (item) {
        var row = el("li", { "data-case": String(item.id) });
        row.appendChild(el("a", { href: item.url }, item.label));
        row.appendChild(document.createTextNode(" hos " + item.claimed_by));
        list.appendChild(row);
      });
      list.hidden = others.length === 0;
      heading.hidden = others.length === 0;
    };
  }

  // The colleagues a case can be handed to, on my case's page: who signs in is offered at once.
  function colleaguesView(form) {
    var select = form.querySelector("select");
    var none = document.getElementById("ingen-kolleger");
    var lastRows = null;
    return function update(state) {
      var colleagues = state.colleagues;
      var rows = JSON.stringify(colleagues);
      if (rows === lastRows) { return; }
      lastRows = rows;
      var chosen = select.value;
      while (select.firstChild) { select.removeChild(select.firstChild); }
      colleagues.forEach(function (item) {
        var shown = item.shown === item.name ? item.shown : item.shown + " (" + item.name + ")";
        select.appendChild(el("option", { value: item.name }, shown));
      });
      if (chosen) { select.value = chosen; }
      if (!select.value && select.options.length) { select.selectedIndex = 0; }
      form.hidden = colleagues.length === 0;
      none.hidden = colleagues.length !== 0;
    };
  }

  function queueView(section) {
    var table = document.getElementById("koe-tabel");
    var tbody = table.querySelector("tbody");
    var empty = document.getElementById("koe-tom");
    var status = document.getElementById("koe-status");
    var announce = alerts(section);
    var mineList = document.getElementById("mine-liste");
    var showMine = mineList ? mineView(mineList) : function () {};
    var known = Array.prototype.map.call(tbody.rows, function (r) { return r.getAttribute("data-case"); });
    var mine = null;  // my cases, once the first update has told them  // the visitors on the page as it loaded are not new
    var lastRows = null;
    showCountInTitle(known.length);

    return function update(state) {
      var waiting = state.waiting;
      showCountInTitle(waiting.length);
      waiting.forEach(function (item) {
        if (known.indexOf(String(item.id)) < 0) { announce("data-new-visitor", item); }
      });
      // A case that became mine without a claim of mine: a colleague handed it over.
      state.mine.forEach(function (item) {
        if (mine && mine.indexOf(item.id) < 0 && known.indexOf(String(item.id)) < 0) {
          announce("data-handed-over", item);
        }
      });
      mine = state.mine.map(function (item) { return item.id; });
      showMine(state.mine);
      known = waiting.map(function (item) { return String(item.id); });
      var rows = JSON.stringify(waiting.map(function (item) {
        return [item.id, item.question, item.topics, item.away_text];
      }));
      if (rows === lastRows) {
        // Same rows: update the waiting times in place so keyboard focus stays put.
        waiting.forEach(function (item, i) {
          var cells = tbody.rows[i] && tbody.rows[i].cells;
          if (cells) { cells[1].textContent = item.waiting_text; }
        });
        lastRows = rows;
        return;
      }
      var focusedCase = document.activeElement && document.activeElement.closest("#koe tr[data-case]");
      var focusedId = focusedCase ? focusedCase.getAttribute("data-case") : null;
      while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
      waiting.forEach(function (item) { tbody.appendChild(queueRow(item)); });
      table.hidden = waiting.length === 0;
      empty.hidden = waiting.length !== 0;
      status.textContent = state.count_text;
      if (focusedId) {
        var again = tbody.querySelector('tr[data-case="' + focusedId + '"] button');
        (again || section).focus();
      }
      lastRows = rows;
    };
  }

  // ---- the conversation on /console/cases/{id} ----
  function transcriptView(list) {
    var errorBox = document.getElementById("samtale-fejl");
    var statusBox = document.getElementById("sag-status");
    var emptyNote = document.getElementById("samtale-tom");
    var visitorTyping = document.getElementById("besoegende-skriver");
    var visitorNotice = document.getElementById("besoegende-vaek");
    var shown = list.children.length;

    return function update(body) {
      visitorTyping.hidden = !body.visitor_typing;
      if (visitorNotice.textContent !== (body.visitor_notice || "")) {
        visitorNotice.textContent = body.visitor_notice || "";
      }
      visitorNotice.hidden = !body.visitor_notice;
      var claimForm = document.getElementById("tag-samtale");
      if (claimForm) { claimForm.hidden = Boolean(body.visitor_notice); }
      if (!body.open) {
        // The case has ended: nothing more to send, hand over or close.
        Array.prototype.forEach.call(document.querySelectorAll("[data-open-only]"), function (node) {
          node.parentNode.removeChild(node);
        });
      }
      if (!body.lines) {
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
    };
  }

  // ---- sending without a page load; the focus stays in the text field ----
  function sendInPlace(form) {
    var field = form.querySelector("textarea");
    var errorBox = document.getElementById("send-fejl");
    var statusBox = document.getElementById("send-status");
    var button = form.querySelector("button[type=submit]");
    var typingSent = 0;
    field.addEventListener("input", function () {
      // Only the fact, never the text; the server checks the case is mine.
      if (!field.value || Date.now() - typingSent < TYPING_EVERY_MS) { return; }
      typingSent = Date.now();
      var body = new URLSearchParams();
      body.append("csrf_token", csrfToken());
      fetch(form.getAttribute("data-typing"), { method: "POST", credentials: "same-origin", body: body })
        .catch(function () {});
    });
    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    var sending = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      // requestSubmit() ignores the disabled button, so a second Ctrl+Enter would send again.
      if (sending) { return; }
      sending = true;
      button.disabled = true;
      fetch(form.getAttribute("data-api"), {
        method: "POST", credentials: "same-origin", body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "application/json" },
      }).then(function (response) {
        if (response.status === 401) { window.location.assign("/console/login"); }
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        errorBox.hidden = result.ok;
        errorBox.textContent = result.ok ? "" : result.body.error;
        if (result.ok) {
          field.value = "";
          typingSent = 0;  // the next message's first key is news again
          statusBox.textContent = result.body.status_text;
          // Seen, not only read aloud, when the visitor is not there to get the message now.
          statusBox.className = result.body.visitor_away ? "notice" : "visually-hidden";
        }
      }).catch(function () {
        errorBox.textContent = errorBox.getAttribute("data-offline");
        errorBox.hidden = false;
      }).then(function () {
        sending = false;
        button.disabled = false;
        field.focus();
      });
    });
  }

  // A canned reply goes into the message field where the cursor is; the counsellor can edit it
  // before sending. Reached with Tab from the field above, chosen with the arrow keys.
  function insertCanned(button) {
    var choice = document.getElementById("standardsvar");
    var field = document.getElementById("text");
    button.addEventListener("click", function () {
      var option = choice.options[choice.selectedIndex];
      if (!option) { return; }
      field.focus();
      field.setRangeText(option.getAttribute("data-text"), field.selectionStart, field.selectionEnd, "end");
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
    var sendForm = document.querySelector("form[data-api]");
    if (sendForm) { sendInPlace(sendForm); }
    var cannedButton = document.getElementById("indsaet-svar");
    if (cannedButton) { insertCanned(cannedButton); }
    var queue = document.getElementById("koe");
    var transcript = document.getElementById("samtale");
    if (!document.querySelector('meta[name="csrf-token"]')) { return; }  // not signed in
    // Every signed-in page listens: the stream is also the tab's presence (see bot/web/live.py).
    var views = [queue ? queueView(queue) : function (state) { showCountInTitle(state.waiting.length); }];
    var othersList = document.getElementById("andre-liste");
    if (othersList) { views.push(othersView(othersList)); }
    var transferForm = document.getElementById("overdrag");
    if (transferForm) { views.push(colleaguesView(transferForm)); }
    var handlers = {
      queue: function (state) { views.forEach(function (view) { view(state); }); },
    };
    var url = "/console/api/events";
    if (transcript) {
      transcript.scrollTop = transcript.scrollHeight;
      handlers["case"] = transcriptView(transcript);
      url += "?sag=" + encodeURIComponent(transcript.getAttribute("data-case"));
    }
    listen(url, handlers);
  });
})();
