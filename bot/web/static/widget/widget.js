/*
 * eVejleder chat widget: plain JavaScript on socket.io-client 4, talking to Rasa's socket.io
 * channel, plus a small HTTP API (/api/visitor/...) for history and leaving the queue.
 *
 * Embed with one script tag (see docs/website.md):
 *   <script src="https://HOST/static/widget/widget.js" defer data-evejleder
 *           data-server="https://RASA-HOST" data-title="..." data-text-launcher="..."></script>
 *
 * Untrusted text (bot, counsellor, visitor) is only ever put into the page with textContent
 * or as DOM-built links: never innerHTML.
 */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector("script[data-evejleder]");
  if (!script || window.__evejlederWidget) { return; }
  window.__evejlederWidget = true;

  var TEXTS = {
    title: "Spørg UddannelsesGuidens chatassistent",
    launcher: "Spørg UddannelsesGuidens chatassistent",
    launcherUnread: "ny besked",
    close: "Luk chatten",
    restart: "Start forfra",
    logLabel: "Samtale",
    inputLabel: "Skriv din besked",
    placeholder: "Skriv din besked her …",
    send: "Send",
    you: "Du",
    bot: "UddannelsesGuidens chatassistent",
    counsellor: "eVejleder",
    typing: "UddannelsesGuidens chatassistent skriver …",
    counsellorTyping: "Din eVejleder skriver …",
    queue: "Du er nummer {n} i køen til en eVejleder",
    queueNoPosition: "Du er i køen til en eVejleder",
    queueWait: "Forventet ventetid: ca. {m} min.",
    queueNoEstimate: "Ventetiden kan ikke beregnes lige nu.",
    cancel: "Forlad køen",
    cancelFailed: "Det lykkedes ikke at forlade køen. Prøv igen om lidt.",
    joined: "{name} fra eVejledningen er nu med i samtalen.",
    joinedNoName: "En eVejleder er nu med i samtalen.",
    resumed: "Din eVejleder har afsluttet samtalen. Nu svarer UddannelsesGuidens chatassistent dig igen. Skriv gerne, hvis du har flere spørgsmål.",
    cancelled: "Du har forladt køen til en eVejleder. Nu svarer UddannelsesGuidens chatassistent dig igen.",
    passedOn: "Din besked er givet videre. Den eVejleder, der tager din samtale, kan se den.",
    connecting: "Forbinder …",
    reconnecting: "Forbindelsen er afbrudt. Prøver igen … Dine beskeder sendes, når forbindelsen er tilbage.",
    notSent: "Sendes, når forbindelsen er tilbage",
    replies: "Svarmuligheder",
    linkNewWindow: "(åbner i et nyt vindue)",
    feedbackQuestion: "Hjalp svaret?",
    feedbackUp: "Ja, svaret hjalp",
    feedbackDown: "Nej, svaret hjalp ikke",
    feedbackThanks: "Tak for din vurdering.",
    feedbackCommentLabel: "Hvad manglede du? (valgfrit)",
    feedbackCommentSend: "Send kommentar",
    feedbackCommentThanks: "Tak for din kommentar.",
    feedbackFailed: "Vurderingen blev ikke gemt. Prøv igen om lidt."
  };

  // ---- configuration from the script tag's data- attributes ------------------------------
  var scriptUrl = new URL(script.src, document.baseURI);
  var config = {
    server: script.dataset.server || scriptUrl.origin,
    api: (script.dataset.api || scriptUrl.origin).replace(/\/+$/, ""),
    storageKey: "evejleder-widget:" + (script.dataset.server || scriptUrl.origin)
  };
  var texts = {};
  Object.keys(TEXTS).forEach(function (key) {
    var attribute = "text" + key.charAt(0).toUpperCase() + key.slice(1);  // data-text-launcher
    texts[key] = script.dataset[attribute] || TEXTS[key];
  });
  if (script.dataset.title) { texts.title = script.dataset.title; }

  var MAX_ENTRIES = 300;
  // How long the conversation stays in this browser's localStorage after its last use.
  var KEEP_MS = 24 * 60 * 60 * 1000;
  var MAX_LENGTH = 1000;
  var GREETING = "/session_start";
  var CHOICE_KEY = "evejleder_choice";
  var STATUS_KEY = "evejleder_handoff";
  // Sent with every visitor message; the bot's answer carries it back as `replyTo`, and a rating
  // names it, so the rating is tied to the message it rates in Rasa's tracker.
  var REF_KEY = "evejleder_ref";
  // Set by the chat server on each part of an answer from the article: only answers are rated.
  var ANSWER_KEY = "evejleder_answer";
  // The visitor API's header for the secret the chat server issues with the conversation id.
  var SECRET_HEADER = "X-Session-Secret";
  var MAX_COMMENT = 300;

  // ---- state, kept in localStorage so a reload shows the same conversation -----------------
  // entries: {id, who: visitor|bot|counsellor|notice, text, counsellor?, quickReplies?, pending?,
  //           replyTo?, answer?, rating?, commented?}
  // view:    {id, offset} the entry at the top of the log and how far below the log's top edge it
  //          was, so a reload or reopening shows the same place; null: the end of the log
  // outbox:  {id, message, title?, hidden?}  messages not yet acknowledged by Rasa
  var state = load() || { sessionId: null, sessionSecret: null, entries: [], outbox: [], handoff: null, open: false };
  var socket = null;
  var confirmed = false;
  var inflight = {};
  var typingTimer = null;
  var arriving = false;  // render() is showing an entry that has just arrived (addEntry)
  var viewTimer = null;

  function load() {
    try {
      var value = JSON.parse(window.localStorage.getItem(config.storageKey) || "null");
      if (value && !(Date.now() - value.savedAt < KEEP_MS)) {
        // Older than a day (or of unknown age): the conversation is not kept on this device.
        window.localStorage.removeItem(config.storageKey);
        return null;
      }
      if (value && typeof value.sessionId === "string" && Array.isArray(value.entries)) {
        value.outbox = Array.isArray(value.outbox) ? value.outbox : [];
        return value;
      }
    } catch (error) { /* storage blocked or corrupt: start empty */ }
    return null;
  }

  function save() {
    clearTimeout(viewTimer);
    viewTimer = null;  // the place is stored with the rest
    state.entries = state.entries.slice(-MAX_ENTRIES);
    state.savedAt = Date.now();
    try { window.localStorage.setItem(config.storageKey, JSON.stringify(state)); } catch (error) { /* ignore */ }
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return values[name] !== undefined && values[name] !== null ? String(values[name]) : match;
    });
  }

  // ---- DOM helpers --------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // Text with http(s) links made clickable, built node by node.
  var LINK = /\bhttps?:\/\/[^\s<>"']+/gi;
  function richText(container, text) {
    var last = 0;
    text.replace(LINK, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, "");
      var parsed = null;
      try { parsed = new URL(url); } catch (error) { parsed = null; }
      if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) { return match; }
      container.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = el("a", "evw-link", url);
      link.href = parsed.href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(el("span", "evw-sr", " " + texts.linkNewWindow));
      container.appendChild(link);
      last = offset + url.length;
      return match;
    });
    container.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---- the widget's DOM ---------------------------------------------------------------------
  var root = el("div", "evw");
  root.setAttribute("data-evw", "");
  var launcher = el("button", "evw-launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "evw-panel");
  var launcherIcon = el("span", "evw-launcher-icon");
  launcherIcon.setAttribute("aria-hidden", "true");
  var launcherLabel = el("span", "evw-launcher-label", texts.launcher);
  var launcherBadge = el("span", "evw-badge");
  launcherBadge.hidden = true;
  launcherBadge.appendChild(el("span", "evw-sr", ", " + texts.launcherUnread));
  launcher.append(launcherIcon, launcherLabel, launcherBadge);

  var panel = el("section", "evw-panel");
  panel.id = "evw-panel";
  panel.setAttribute("aria-labelledby", "evw-title");
  panel.hidden = true;

  var header = el("div", "evw-header");
  var title = el("h2", "evw-title", texts.title);
  title.id = "evw-title";
  var restartButton = el("button", "evw-restart", texts.restart);
  restartButton.type = "button";
  var closeButton = el("button", "evw-close");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", texts.close);
  closeButton.title = texts.close;
  var closeIcon = el("span", "evw-close-icon", "×");
  closeIcon.setAttribute("aria-hidden", "true");
  closeButton.appendChild(closeIcon);
  header.append(title, restartButton, closeButton);

  var connection = el("p", "evw-connection");
  connection.setAttribute("role", "status");
  connection.hidden = true;

  var queueBanner = el("div", "evw-queue");
  queueBanner.hidden = true;
  var queueText = el("p", "evw-queue-text");
  queueText.setAttribute("role", "status");
  var cancelButton = el("button", "evw-cancel", texts.cancel);
  cancelButton.type = "button";
  queueBanner.append(queueText, cancelButton);

  var log = el("div", "evw-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", texts.logLabel);
  log.tabIndex = 0;

  var typing = el("div", "evw-typing");
  typing.hidden = true;
  var dots = el("span", "evw-dots");
  dots.setAttribute("aria-hidden", "true");
  dots.append(el("span"), el("span"), el("span"));
  var typingText = el("span", "evw-typing-text", texts.typing);
  typing.append(dots, typingText);

  var form = el("form", "evw-form");
  form.noValidate = true;
  var inputLabel = el("label", "evw-sr", texts.inputLabel);
  inputLabel.htmlFor = "evw-input";
  var input = el("input", "evw-input");
  input.id = "evw-input";
  input.type = "text";
  input.autocomplete = "off";
  input.maxLength = MAX_LENGTH;
  input.placeholder = texts.placeholder;
  var sendButton = el("button", "evw-send", texts.send);
  sendButton.type = "submit";
  form.append(inputLabel, input, sendButton);

  panel.append(header, connection, queueBanner, log, typing, form);
  root.append(panel, launcher);

  // ---- rendering ------------------------------------------------------------------------------
  function whoLabel(entry) {
    if (entry.who === "visitor") { return texts.you; }
    if (entry.who === "counsellor") {
      return entry.counsellor ? texts.counsellor + " " + entry.counsellor : texts.counsellor;
    }
    return texts.bot;
  }

  // A run of bubbles from the same sender shows its name once; screen readers still hear it.
  function continuesRun(entry, previous) {
    return !!previous && previous.who === entry.who && previous.counsellor === entry.counsellor;
  }

  function renderEntry(entry, isLast, continued, rateable) {
    var item = el("div", "evw-msg evw-msg--" + entry.who + (continued ? " evw-continued" : ""));
    item.setAttribute("data-id", entry.id);
    if (entry.who === "notice") {
      var notice = el("p", "evw-notice-text");
      richText(notice, entry.text);
      item.appendChild(notice);
      return item;
    }
    var who = el("span", continued ? "evw-who evw-sr" : "evw-who", whoLabel(entry));
    var colon = el("span", "evw-sr", ":");
    who.appendChild(colon);
    var body = el("p", "evw-text");
    richText(body, entry.text);
    item.append(who, body);
    if (entry.pending && !inflight[entry.id] && !confirmed) {
      item.appendChild(el("span", "evw-pending", texts.notSent));
    }
    if (isLast && entry.quickReplies && entry.quickReplies.length) {
      var group = el("div", "evw-replies");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", texts.replies);
      entry.quickReplies.forEach(function (reply) {
        var button = el("button", "evw-reply", reply.title);
        button.type = "button";
        button.addEventListener("click", function () { send(reply.payload, reply.title); });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    if (rateable) { item.appendChild(renderFeedback(entry)); }
    return item;
  }

  // ---- "Hjalp svaret?": one rating per answer, an optional comment after a thumbs down ----------
  function endsAnswer(index) {
    var entry = state.entries[index];
    var next = state.entries[index + 1];
    return entry.who === "bot" && !!entry.answer && !!entry.replyTo &&
      !(next && next.answer && next.replyTo === entry.replyTo);
  }

  function renderFeedback(entry) {
    var box = el("div", "evw-feedback");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", texts.feedbackQuestion);
    if (!entry.rating) {
      box.appendChild(el("span", "evw-feedback-question", texts.feedbackQuestion));
      [["up", "👍", texts.feedbackUp], ["down", "👎", texts.feedbackDown]].forEach(function (choice) {
        var button = el("button", "evw-feedback-button", choice[1]);
        button.type = "button";
        button.setAttribute("aria-label", choice[2]);
        button.addEventListener("click", function () { rate(entry, choice[0]); });
        box.appendChild(button);
      });
      return box;
    }
    box.appendChild(el("span", "evw-feedback-thanks", entry.commented ? texts.feedbackCommentThanks : texts.feedbackThanks));
    if (entry.rating === "down" && !entry.commented) {
      var comment = el("form", "evw-feedback-comment");
      var inputId = "evw-comment-" + entry.id;
      var label = el("label", "evw-feedback-label", texts.feedbackCommentLabel);
      label.htmlFor = inputId;
      var field = el("input", "evw-feedback-input");
      field.id = inputId;
      field.type = "text";
      field.maxLength = MAX_COMMENT;
      field.autocomplete = "off";
      var submit = el("button", "evw-feedback-send", texts.feedbackCommentSend);
      submit.type = "submit";
      comment.append(label, field, submit);
      comment.addEventListener("submit", function (event) {
        event.preventDefault();
        var text = field.value.trim().slice(0, MAX_COMMENT);
        if (text) { postFeedback(entry, { rating: "down", comment: text }, function () { entry.commented = true; }); }
      });
      box.appendChild(comment);
    }
    return box;
  }

  function rate(entry, rating) {
    if (entry.rating) { return; }
    entry.rating = rating;  // shown at once: one click, no double rating while the request runs
    save();
    render();
    postFeedback(entry, { rating: rating }, null, function () { delete entry.rating; });
  }

  function postFeedback(entry, body, done, failed) {
    body.ref = entry.replyTo;
    fetch(config.api + "/api/visitor/" + encodeURIComponent(state.sessionId) + "/feedback",
          { method: "POST", body: JSON.stringify(body), cache: "no-store", headers: secretHeaders() })
      .then(function (response) {
        // 409: this answer was rated already (in another tab): keep what is shown.
        if (!response.ok && response.status !== 409) { throw new Error(String(response.status)); }
        if (done) { done(); }
      })
      .catch(function () {
        if (failed) { failed(); }
        addEntry({ who: "notice", text: texts.feedbackFailed });
      })
      .then(function () { save(); render(); });
  }

  // Re-render only what changed: the log is a live region, so rebuilding it would make a
  // screen reader read the whole conversation again.
  function render() {
    var existing = {};
    Array.prototype.forEach.call(log.children, function (child) { existing[child.getAttribute("data-id")] = child; });
    var wanted = {};
    var firstNewReply = null;
    var added = false;
    // An empty log filled with entries that did not just arrive: a reload, or the panel opened.
    var initial = log.children.length === 0 && !arriving;
    state.entries.forEach(function (entry, index) {
      var isLast = index === state.entries.length - 1;
      var continued = continuesRun(entry, state.entries[index - 1]);
      var key = entry.id;
      wanted[key] = true;
      var ends = endsAnswer(index);
      var signature = JSON.stringify([entry.who, entry.text, entry.counsellor, entry.pending && !confirmed,
                                       isLast && entry.quickReplies, continued, ends, entry.rating,
                                       entry.commented]);
      var node = existing[key];
      if (!node) {
        added = true;
        if (!firstNewReply && entry.who !== "visitor") { firstNewReply = key; }
      }
      if (!node || node.__evwSignature !== signature) {
        var fresh = renderEntry(entry, isLast, continued, ends);
        fresh.__evwSignature = signature;
        if (node) { log.replaceChild(fresh, node); } else { log.appendChild(fresh); }
        node = fresh;
      }
      if (log.children[index] !== node) { log.insertBefore(node, log.children[index] || null); }
    });
    Object.keys(existing).forEach(function (key) {
      if (!wanted[key] && existing[key].parentNode === log) { log.removeChild(existing[key]); }
    });
    renderHandoff();
    if (added) {
      if (initial) { restoreView(); } else { scrollToNewest(firstNewReply && replyStart(firstNewReply)); }
    }
  }

  // The first bubble of the reply an entry belongs to: the bot splits one reply (the welcome,
  // an answer) into several bubbles, and the reply is read from its first.
  function replyStart(id) {
    var index = -1;
    state.entries.forEach(function (entry, i) { if (entry.id === id) { index = i; } });
    if (index < 0) { return id; }
    var entry = state.entries[index];
    if (entry.who !== "bot") { return id; }
    while (index > 0 && state.entries[index - 1].who === "bot" && state.entries[index - 1].replyTo === entry.replyTo) {
      index -= 1;
    }
    return state.entries[index].id;
  }

  // A new reply is read from its start: scroll to its first bubble, or to the end when all of it fits.
  function scrollToNewest(firstNewReply) {
    if (panel.hidden) {
      // Scrolling a hidden log does nothing: opening the panel shows the reply's start instead.
      keepView(firstNewReply ? { id: firstNewReply, offset: 0 } : null);
      return;
    }
    var bottom = log.scrollHeight;
    var node = firstNewReply && entryNode(firstNewReply);
    if (!node) {
      log.scrollTop = bottom;
    } else {
      var start = log.scrollTop + node.getBoundingClientRect().top - log.getBoundingClientRect().top;
      log.scrollTop = Math.min(start, bottom);
    }
    rememberView();  // no scroll event when the log did not move (the first reply in an empty log)
  }

  function entryNode(id) {
    return log.querySelector('[data-id="' + id + '"]');  // ids are hex: nothing to escape
  }

  // Where the visitor is in the log, kept with the conversation (a hidden log has lost its place).
  function rememberView() {
    if (panel.hidden || !log.children.length) { return; }
    var top = log.getBoundingClientRect().top;
    var view = null;
    if (log.scrollHeight - log.scrollTop - log.clientHeight > 2) {
      var node = Array.prototype.find.call(log.children, function (child) {
        return child.getBoundingClientRect().bottom > top;
      });
      if (node) { view = { id: node.getAttribute("data-id"), offset: node.getBoundingClientRect().top - top }; }
    }
    keepView(view);
  }

  function keepView(view) {
    state.view = view;
    clearTimeout(viewTimer);
    viewTimer = setTimeout(storeView, 300);  // scrolling fires often; the place is stored once it rests
  }

  // Only the place goes into the stored conversation: scrolling neither renews the conversation's
  // day on the device nor brings back one that was removed.
  function storeView() {
    clearTimeout(viewTimer);
    viewTimer = null;
    try {
      var stored = JSON.parse(window.localStorage.getItem(config.storageKey) || "null");
      if (stored && stored.sessionId === state.sessionId) {
        stored.view = state.view;
        window.localStorage.setItem(config.storageKey, JSON.stringify(stored));
      }
    } catch (error) { /* storage blocked or corrupt: the place is not kept */ }
  }

  // Back to the remembered place after a reload or reopening; the end when there is none.
  function restoreView() {
    if (panel.hidden) { return; }
    var node = state.view && entryNode(state.view.id);
    if (!node) { log.scrollTop = log.scrollHeight; return; }
    log.scrollTop += node.getBoundingClientRect().top - log.getBoundingClientRect().top - state.view.offset;
  }

  function renderHandoff() {
    var waiting = state.handoff && state.handoff.status === "waiting";
    queueBanner.hidden = !waiting;
    if (waiting) {
      var text = (state.handoff.position ? format(texts.queue, { n: state.handoff.position }) : texts.queueNoPosition) +
        ". " + (state.handoff.waitMinutes ? format(texts.queueWait, { m: state.handoff.waitMinutes }) : texts.queueNoEstimate);
      if (queueText.textContent !== text) { queueText.textContent = text; }
    }
    root.classList.toggle("evw--counsellor", !!(state.handoff && state.handoff.status === "joined"));
    followCounsellorTyping();
  }

  function setTyping(on) {
    clearTimeout(typingTimer);
    // The indicator takes room from the log: one read to its end stays at its end.
    var atEnd = log.scrollHeight - log.scrollTop - log.clientHeight <= 2;
    typing.hidden = !on;
    if (on) {
      typingTimer = setTimeout(function () { typing.hidden = true; }, 30000);
      if (atEnd) { log.scrollTop = log.scrollHeight; }
    }
  }

  // ---- typing while an eVejleder has the conversation: only the fact travels, never text ----
  var TYPING_EVERY_MS = 3000;
  var typingSent = 0;
  var counsellorTyping = null;  // aborts the web server's event stream, while an eVejleder has the chat

  function typingUrl(action) {
    return config.api + "/api/visitor/" + encodeURIComponent(state.sessionId) + "/" + action;
  }

  function tellTyping() {
    var joined = state.handoff && state.handoff.status === "joined";
    if (!joined || !input.value || Date.now() - typingSent < TYPING_EVERY_MS) { return; }
    typingSent = Date.now();
    fetch(typingUrl("typing"), { method: "POST", headers: secretHeaders() }).catch(function () {});
  }

  // The server-sent `typing` events, read with fetch: EventSource cannot send the secret's header.
  function readTypingEvents(signal) {
    var decoder = new TextDecoder();
    var buffer = "";
    function onEvent(block) {
      var name = "", data = "";
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) { name = line.slice(6).trim(); }
        if (line.indexOf("data:") === 0) { data += line.slice(5).trim(); }
      });
      if (name !== "typing" || !data) { return; }
      var on = false;
      try { on = JSON.parse(data).counsellor === true; } catch (error) { return; }
      typingText.textContent = on ? texts.counsellorTyping : texts.typing;
      setTyping(on);
    }
    fetch(typingUrl("events"), { headers: secretHeaders(), cache: "no-store", signal: signal })
      .then(function (response) {
        if (!response.ok || !response.body) { return; }
        var reader = response.body.getReader();
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) { return; }
            buffer += decoder.decode(chunk.value, { stream: true });
            var blocks = buffer.split("\n\n");
            buffer = blocks.pop();
            blocks.forEach(onEvent);
            return pump();
          });
        }
        return pump();
      })
      .catch(function () { /* aborted, or the stream broke: the next render follows again */ })
      .then(function () { if (counsellorTyping && counsellorTyping.signal === signal) { counsellorTyping = null; } });
  }

  function followCounsellorTyping() {
    var joined = !!(state.handoff && state.handoff.status === "joined");
    if (joined && !counsellorTyping && window.AbortController && window.TextDecoder) {
      counsellorTyping = new AbortController();
      readTypingEvents(counsellorTyping.signal);
    } else if (!joined && counsellorTyping) {
      counsellorTyping.abort();
      counsellorTyping = null;
      typingText.textContent = texts.typing;
    }
  }

  function setConnection(text) {
    connection.hidden = !text;
    connection.textContent = text || "";
  }

  function addEntry(entry) {
    entry.id = entry.id || newId();
    state.entries.push(entry);
    save();
    arriving = true;
    try { render(); } finally { arriving = false; }
    if (panel.hidden && entry.who !== "visitor") { launcherBadge.hidden = false; }
  }

  // ---- talking to Rasa ------------------------------------------------------------------------
  function send(message, title) {
    message = (message || "").trim();
    if (!message) { return; }
    if (message.length > MAX_LENGTH) { message = message.slice(0, MAX_LENGTH); }
    ensureSession();
    var id = newId();
    var shown = title || message;
    addEntry({ id: id, who: "visitor", text: shown, pending: true });
    state.outbox.push({ id: id, message: message, title: title || null });
    save();
    flush();
  }

  function flush() {
    if (!socket || !confirmed) { return; }
    state.outbox.forEach(function (item) {
      if (inflight[item.id]) { return; }
      inflight[item.id] = true;
      var payload = { message: item.message, session_id: state.sessionId, metadata: {} };
      payload.metadata[REF_KEY] = item.id;
      if (item.title) { payload.metadata[CHOICE_KEY] = item.title; }
      if (!state.handoff) { setTyping(true); }
      // Written in the queue (not the request that put the visitor there): the paused bot will
      // not answer it, so its acknowledgement is said here.
      var inQueue = !!(state.handoff && state.handoff.status === "waiting");
      // Rasa acknowledges after it has handled the message (and sent its replies).
      socket.timeout(60000).emit("user_uttered", payload, function (error) {
        if (error) { return; }  // not acknowledged: retried after the next reconnect
        delivered(item.id);
        setTyping(false);
        // Acknowledged means the message is in the conversation the counsellor reads on claiming;
        // a message the bot answered (the callback offered in the queue) needs no such notice.
        if (inQueue && state.handoff && state.handoff.status === "waiting" && !answered(item.id)) {
          addEntry({ who: "notice", text: texts.passedOn });
        }
      });
    });
    render();
  }

  function answered(id) {
    return state.entries.some(function (entry) { return entry.replyTo === id; });
  }

  function delivered(id) {
    delete inflight[id];
    state.outbox = state.outbox.filter(function (item) { return item.id !== id; });
    state.entries.forEach(function (entry) { if (entry.id === id) { delete entry.pending; } });
    save();
    render();
  }

  function onBotUttered(data) {
    if (!data || typeof data !== "object") { return; }
    if (typeof data[STATUS_KEY] === "string") { onStatus(data); return; }
    if (typeof data.text !== "string" || !data.text.trim()) { return; }
    var joined = state.handoff && state.handoff.status === "joined";
    var entry = { who: joined ? "counsellor" : "bot", text: data.text };
    // Rasa answers one message at a time and acknowledges it after its replies: an answer
    // belongs to the oldest message still in flight.
    var answering = state.outbox.filter(function (item) { return inflight[item.id] && !item.hidden; })[0];
    if (!joined && answering) { entry.replyTo = answering.id; }
    if (!joined && data[ANSWER_KEY] === true) { entry.answer = true; }
    if (joined && state.handoff.counsellor) { entry.counsellor = state.handoff.counsellor; }
    // The eVejleder's message is what "Vejlederen skriver …" announced; her next mark shows it again.
    if (joined) { setTyping(false); }
    if (Array.isArray(data.quick_replies)) {
      entry.quickReplies = data.quick_replies
        .filter(function (r) { return r && typeof r.title === "string" && typeof r.payload === "string"; })
        .map(function (r) { return { title: r.title, payload: r.payload }; });
    }
    // The typing indicator stays until Rasa acknowledges the message: more parts may follow.
    addEntry(entry);
  }

  // Place and expected wait; the wait is null when the queue has no estimate.
  function waitingState(data) {
    return { status: "waiting", position: Number(data.position) || null, waitMinutes: Number(data.wait_minutes) || null };
  }

  function onStatus(data) {
    var status = data[STATUS_KEY];
    if (status === "waiting") {
      state.handoff = waitingState(data);
      setTyping(false);
    } else if (status === "joined") {
      state.handoff = { status: "joined", counsellor: typeof data.counsellor === "string" ? data.counsellor : null };
      addEntry({ who: "notice", text: state.handoff.counsellor ? format(texts.joined, { name: state.handoff.counsellor }) : texts.joinedNoName });
    } else if (status === "resumed") {
      state.handoff = null;
      addEntry({ who: "notice", text: texts.resumed });
    } else if (status === "cancelled") {
      state.handoff = null;
      addEntry({ who: "notice", text: texts.cancelled });
    }
    save();
    render();
  }

  // ---- history: merge what Rasa has with what this browser shows --------------------------------
  // Every server message is matched, by side and text, to the first unused entry shown here;
  // the ones this browser never showed are inserted after the entry matched just before them.
  // Entries only this browser knows (notices, messages not yet delivered) keep their place, so
  // nothing is lost and nothing is shown twice, even if Rasa's order differs slightly; delivered
  // messages the server has rewritten are replaced by its version (see below).
  function sameSide(a, b) { return (a === "visitor") === (b === "visitor"); }

  function merge(serverMessages) {
    var entries = state.entries;
    var used = {};
    var head = [];
    var inserted = {};
    var previous = -1;
    serverMessages.forEach(function (message) {
      var index = -1;
      for (var i = 0; i < entries.length; i++) {
        var entry = entries[i];
        if (!used[i] && entry.who !== "notice" && sameSide(entry.who, message.who) && entry.text === message.text) {
          index = i;
          break;
        }
      }
      if (index < 0) {
        (previous < 0 ? head : (inserted[previous] = inserted[previous] || [])).push(fromServer(message));
        return;
      }
      used[index] = true;
      previous = index;
      var match = entries[index];
      match.who = message.who;
      if (message.counsellor) { match.counsellor = message.counsellor; }
      if (match.pending) {
        // Rasa has it: it was delivered before the connection broke.
        delete match.pending;
        state.outbox = state.outbox.filter(function (item) { return item.id !== match.id; });
      }
    });
    // From the first entry the server has on, a delivered message it no longer has was rewritten
    // there (contact details removed after a callback): its copy here goes, the server's stays.
    // Entries before that are earlier sessions, which the history does not send.
    var first = entries.length;
    Object.keys(used).forEach(function (key) { first = Math.min(first, Number(key)); });
    var result = head.slice();
    entries.forEach(function (entry, i) {
      var rewritten = i > first && !used[i] && entry.who !== "notice" && !entry.pending;
      if (!rewritten) { result.push(entry); }
      if (inserted[i]) { result.push.apply(result, inserted[i]); }
    });
    state.entries = result;
  }

  function fromServer(message) {
    var entry = { id: newId(), who: message.who, text: message.text };
    if (message.counsellor) { entry.counsellor = message.counsellor; }
    return entry;
  }

  function syncHistory() {
    var sessionId = state.sessionId;
    return fetch(config.api + "/api/visitor/" + encodeURIComponent(sessionId) + "/history",
                 { cache: "no-store", headers: secretHeaders() })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || sessionId !== state.sessionId || !Array.isArray(body.messages)) { return; }
        var messages = body.messages.filter(function (m) {
          return m && typeof m.text === "string" && ["visitor", "bot", "counsellor"].indexOf(m.who) >= 0;
        });
        merge(messages);
        var handoff = body.handoff;
        state.handoff = handoff && handoff.status === "waiting" ? waitingState(handoff)
          : handoff && handoff.status === "joined" ? handoff : null;
        save();
        render();
      })
      .catch(function () { /* offline: keep what this browser has */ });
  }

  function cancelHandoff() {
    cancelButton.disabled = true;
    fetch(config.api + "/api/visitor/" + encodeURIComponent(state.sessionId) + "/cancel",
          { method: "POST", headers: secretHeaders() })
      .then(function (response) {
        if (response.ok || response.status === 404) {
          // The "cancelled" status arrives over the socket too; this covers a lost socket.
          if (state.handoff) { state.handoff = null; addEntry({ who: "notice", text: texts.cancelled }); }
          return;
        }
        return response.json().then(function (body) {
          addEntry({ who: "notice", text: (body && body.error) || texts.cancelFailed });
        });
      })
      .catch(function () { addEntry({ who: "notice", text: texts.cancelFailed }); })
      .then(function () { cancelButton.disabled = false; });
  }

  // ---- the socket ---------------------------------------------------------------------------------
  function ensureSession() {
    if (state.sessionId) { return; }
    state.sessionId = newId();
    state.entries = [];
    state.handoff = null;
    // The greeting: sent once when a conversation starts, never on reload.
    state.outbox = [{ id: newId(), message: GREETING, hidden: true }];
    save();
    connect();
  }

  function connect() {
    if (socket) {
      if (!socket.active) { socket.connect(); }  // active: connected or still trying
      return;
    }
    if (typeof window.io !== "function") { return; }  // socket.io-client still loading
    setConnection(texts.connecting);
    // WebSocket only: no cross-origin polling requests, so Rasa needs no CORS set-up.
    socket = window.io(config.server, { transports: ["websocket"], reconnectionDelayMax: 3000 });
    socket.on("connect", function () {
      confirmed = false;
      socket.emit("session_request", { session_id: state.sessionId, session_secret: state.sessionSecret || null });
    });
    socket.on("session_confirm", function (confirmation) {
      adoptSession(confirmation);
      var wasConfirmed = confirmed;
      confirmed = true;
      inflight = {};
      setConnection("");
      // A brand-new conversation (its greeting not yet sent) has no history to fetch; reading
      // it would make Rasa start the session without the widget seeing the welcome.
      var isNew = state.outbox.some(function (item) { return item.hidden; });
      var history = isNew ? Promise.resolve() : syncHistory();
      history.then(function () { if (confirmed && !wasConfirmed) { flush(); } });
    });
    socket.on("disconnect", function () {
      confirmed = false;
      setTyping(false);
      setConnection(texts.reconnecting);
      render();
    });
    socket.on("connect_error", function () { setConnection(texts.reconnecting); });
    socket.on("bot_uttered", onBotUttered);
  }

  // ---- the conversation's id and secret, issued by the chat server ------------------------------
  // The server reopens a conversation only for its secret; without it (a new conversation, or
  // one this browser cannot prove) it confirms a fresh id. A conversation that had started here
  // and is replaced starts over, greeting included.
  function adoptSession(confirmation) {
    if (!confirmation || typeof confirmation.session_id !== "string" ||
        typeof confirmation.session_secret !== "string") { return; }
    var isNew = state.outbox.some(function (item) { return item.hidden; });
    if (confirmation.session_id !== state.sessionId && !isNew) {
      state.entries = [];
      state.handoff = null;
      state.outbox = [{ id: newId(), message: GREETING, hidden: true }];
      log.textContent = "";
    }
    state.sessionId = confirmation.session_id;
    state.sessionSecret = confirmation.session_secret;
    save();
  }

  function secretHeaders() {
    var headers = {};
    headers[SECRET_HEADER] = state.sessionSecret || "";
    return headers;
  }

  // Leaving a hand-off (waiting or with a counsellor) ends it, and the counsellor sees it.
  function leaveHandoff() {
    if (!state.handoff || !state.sessionId) { return; }
    fetch(config.api + "/api/visitor/" + encodeURIComponent(state.sessionId) + "/leave",
          { method: "POST", keepalive: true, headers: secretHeaders() })
      .catch(function () { /* the closed connection ends the case after the grace period */ });
  }

  function restart() {
    leaveHandoff();
    // Nothing of the old conversation stays on the device.
    try { window.localStorage.removeItem(config.storageKey); } catch (error) { /* storage blocked */ }
    state = { sessionId: null, sessionSecret: null, entries: [], outbox: [], handoff: null, open: state.open };
    log.textContent = "";
    setTyping(false);
    ensureSession();
    render();
    // A fresh socket, so it is in no room of the old conversation.
    if (socket) { confirmed = false; socket.disconnect(); socket.connect(); }
    input.focus();
  }

  // ---- opening, closing, keyboard ---------------------------------------------------------------------
  function open() {
    panel.hidden = false;
    root.classList.add("evw--open");
    launcher.setAttribute("aria-expanded", "true");
    launcherBadge.hidden = true;
    state.open = true;
    save();
    ensureSession();
    connect();
    render();
    restoreView();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    root.classList.remove("evw--open");
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { close(); } });
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", restart);
  cancelButton.addEventListener("click", cancelHandoff);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  input.addEventListener("input", tellTyping);
  log.addEventListener("scroll", rememberView, { passive: true });
  // A reload right after scrolling: the place is stored before the page goes.
  window.addEventListener("pagehide", function () { if (viewTimer) { storeView(); } });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
    input.focus();
  });

  // ---- start -------------------------------------------------------------------------------------------
  function loadSocketIo(callback) {
    if (typeof window.io === "function") { callback(); return; }
    var tag = document.createElement("script");
    tag.src = new URL("../vendor/socket.io.min.js", scriptUrl).href;
    tag.onload = callback;
    tag.onerror = function () { setConnection(texts.reconnecting); };
    document.head.appendChild(tag);
  }

  function ensureStyles() {
    var href = new URL("widget.css", scriptUrl).href;
    var present = Array.prototype.some.call(document.querySelectorAll("link[rel=stylesheet]"), function (link) {
      return link.href === href;
    });
    if (!present) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      // Until the styles apply, the log is no scrolling box and keeps no scroll position.
      link.addEventListener("load", restoreView);
      document.head.appendChild(link);
    }
  }

  function start() {
    ensureStyles();
    document.body.appendChild(root);
    // Shown before the first render: a hidden log cannot be scrolled to where the visitor was.
    if (state.open) {
      panel.hidden = false;
      root.classList.add("evw--open");
      launcher.setAttribute("aria-expanded", "true");
    }
    render();
    // A stored conversation reconnects at once, so a counsellor's message arrives even
    // while the window is closed; a new one waits for the first click.
    loadSocketIo(function () { if (state.sessionId) { connect(); } });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
