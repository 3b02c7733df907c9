/*! Parley chat widget, protocol parley.v1. Plain JavaScript, no dependencies, no build step.
 * Embed: <script src="https://YOUR-PARLEY-HOST/widget.js" data-key="pk_..." async></script>
 * API and events: see "The widget" in Parley's README. */
(function () {
  'use strict';
  if (window.Parley && window.Parley.version) return; // the script was included twice

  var script = document.currentScript ||
    document.querySelector('script[data-key][src*="/widget.js"]');
  var KEY = script && script.getAttribute('data-key');
  if (!KEY || !script.src) {
    console.error('Parley: the widget script tag needs data-key="pk_..." and a src');
    return;
  }
  var SOCKET_URL = 'wss://' + new URL(script.src).host + '/ws/visitor?key=' + encodeURIComponent(KEY);
  var STORE = 'parley.v1.' + KEY;
  var MAX_CHARS = 4000;
  var MAX_FRAME_BYTES = 16384;
  var TYPING_IDLE_MS = 4000;
  var ANSWER_WAIT_MS = 12000; // a sent frame answered by nothing for this long: the socket is dead
  var T = {
    open: 'Open chat', close: 'Close chat', send: 'Send', message: 'Message',
    placeholder: 'Write a message…', stop: 'Stop generating', human: 'Talk to a human',
    sending: 'Sending…', connecting: 'Connecting…', reconnecting: 'Connection lost. Reconnecting…',
    offline: 'You are offline. Messages will be sent when you are back.',
    stopped: 'The chat is not available right now.', signIn: 'Please sign in to chat.',
    requested: 'You asked for a human. An agent will join soon.',
    joined: ' joined the conversation.', left: ' left the conversation. The bot answers again.',
    anAgent: 'An agent', typing: ' is typing…', cancelled: 'Stopped.', interrupted: 'Cut short.',
    length: 'Cut at the maximum length.', failedReply: 'The bot ran into a problem.',
    tooLong: 'Too long: at most 4000 characters.', notSent: 'Not sent: ', tryAgain: 'That did not work. Please try again.',
    unread: ' unread', says: ' says: '
  };

  // ---------- storage: visitor token, conversation, outbox, what was read ----------
  var memoryStore = {};
  function readStore() {
    try {
      var raw = window.localStorage.getItem(STORE);
      return raw ? JSON.parse(raw) : {};
    } catch (e) {
      return memoryStore; // storage blocked (privacy mode, sandbox): this page only
    }
  }
  var saved = readStore();
  var state = {
    visitorId: saved.visitorId || null,
    visitorToken: saved.visitorToken || null,
    conversationId: saved.conversationId || null,
    verified: !!saved.verified,
    readSeq: saved.readSeq || 0,
    outbox: Array.isArray(saved.outbox) ? saved.outbox : []
  };
  var forgotten = {}; // clientMsgIds acked or dropped here, so a merge with another tab's copy drops them too
  function save() {
    var stored = readStore();
    var mine = {};
    state.outbox.forEach(function (m) { mine[m.id] = true; });
    (Array.isArray(stored.outbox) ? stored.outbox : []).forEach(function (m) {
      if (m && m.id && !mine[m.id] && !forgotten[m.id] && m.visitorId === state.visitorId) state.outbox.push(m);
    });
    var value = {
      visitorId: state.visitorId, visitorToken: state.visitorToken, conversationId: state.conversationId,
      verified: state.verified, readSeq: state.readSeq, outbox: state.outbox
    };
    try {
      window.localStorage.setItem(STORE, JSON.stringify(value));
    } catch (e) {
      memoryStore = value;
    }
  }

  // ---------- events for the host page ----------
  var listeners = {};
  function emit(name, detail) {
    (listeners[name] || []).slice().forEach(function (fn) {
      try { fn(detail); } catch (e) { console.error('Parley: a "' + name + '" listener failed', e); }
    });
    try { window.dispatchEvent(new CustomEvent('parley:' + name, { detail: detail })); } catch (e) { /* old browser */ }
  }

  // ---------- DOM, all inside a shadow root ----------
  var CSS = [
    ':host{all:initial!important;position:fixed!important;right:20px!important;bottom:20px!important;',
    'z-index:2147483000!important;display:block!important;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2230}',
    '*{box-sizing:border-box;font:inherit}[hidden]{display:none!important}',
    'button{cursor:pointer;border:0;margin:0}',
    ':focus-visible{outline:3px solid #f5a623;outline-offset:2px}textarea:focus-visible{outline:2px solid #3451d1;outline-offset:0}',
    '.launcher{position:relative;width:56px;height:56px;border-radius:50%;background:#3451d1;color:#fff;',
    'box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}',
    '.launcher svg{width:28px;height:28px;fill:currentColor}',
    '.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;',
    'background:#d92d20;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center}',
    '.panel{position:absolute;right:0;bottom:72px;width:370px;height:min(600px,calc(100vh - 110px));',
    'background:#fff;border-radius:14px;box-shadow:0 8px 40px rgba(0,0,0,.28);display:flex;flex-direction:column;overflow:hidden}',
    'header{display:flex;align-items:center;gap:8px;padding:12px 14px;background:#3451d1;color:#fff}',
    '.who{flex:1;min-width:0}.name{display:block;font-weight:700;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.sub{display:block;font-size:12px;opacity:.85}',
    '.x{width:32px;height:32px;border-radius:8px;background:transparent;color:#fff;font-size:22px;line-height:32px}',
    '.x:hover{background:rgba(255,255,255,.15)}',
    '.status{padding:6px 14px;background:#fff4e5;color:#7a4b00;font-size:12px}',
    '.log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:8px;background:#f6f7fb}',
    '.history,.outbox{display:flex;flex-direction:column;gap:8px}',
    '.msg{max-width:85%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}',
    '.bot,.agent{align-self:flex-start;background:#fff;border:1px solid #e3e6ef}',
    '.agent{border-color:#9fb0f0}',
    '.visitor{align-self:flex-end;background:#3451d1;color:#fff}',
    '.pending{opacity:.7}.failed{background:#fdecea;color:#8a1c12}',
    '.system{align-self:center;max-width:95%;background:transparent;color:#5b6275;font-size:12px;text-align:center}',
    '.author{display:block;font-size:12px;font-weight:700;color:#3451d1}',
    '.note{display:block;font-size:11px;opacity:.75;margin-top:2px}',
    '.streaming .text:after{content:"▍";opacity:.6}',
    '.typing{padding:2px 14px 6px;font-size:12px;color:#5b6275;background:#f6f7fb}',
    '.actions{display:flex;gap:8px;padding:8px 14px 0;flex-wrap:wrap}',
    '.actions button{padding:6px 10px;border-radius:16px;background:#eef1fb;color:#2a3c9e;font-size:13px}',
    '.actions button:hover{background:#dfe5fa}',
    '.composer{display:flex;gap:8px;padding:10px 14px 14px;align-items:flex-end}',
    'textarea{flex:1;resize:none;min-height:40px;max-height:120px;padding:9px 10px;border:1px solid #c9cedd;border-radius:10px;color:#1d2230;background:#fff}',
    '.send{height:40px;padding:0 14px;border-radius:10px;background:#3451d1;color:#fff;font-weight:600}',
    '.send:disabled{background:#9aa6d8;cursor:default}',
    '.hint{padding:0 14px;color:#8a1c12;font-size:12px}',
    '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
    '@media (max-width:480px){:host{right:12px!important;bottom:12px!important}',
    '.panel{position:fixed;inset:0;width:auto;height:auto;border-radius:0}.open .launcher{display:none}}',
    '@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}'
  ].join('');

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }
  function icon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    return svg;
  }

  var host = document.createElement('parley-chat');
  var root = host.attachShadow({ mode: 'open' });
  if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet(); // constructed sheets need no style-src in the host page's CSP
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else { // older browsers: a <style>, allowed by the embed tag's nonce or style-src 'unsafe-inline'
    var style = root.appendChild(el('style', null, CSS));
    if (script.nonce) style.setAttribute('nonce', script.nonce);
  }
  var wrap = el('div', 'wrap');
  var panel = el('section', 'panel');
  panel.id = 'parley-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  var header = el('header');
  var who = el('div', 'who');
  var nameEl = el('span', 'name', 'Chat');
  var subEl = el('span', 'sub', '');
  who.appendChild(nameEl);
  who.appendChild(subEl);
  var closeBtn = el('button', 'x', '×');
  closeBtn.type = 'button';
  closeBtn.setAttribute('aria-label', T.close);
  header.appendChild(who);
  header.appendChild(closeBtn);
  var statusEl = el('div', 'status');
  statusEl.hidden = true;
  var log = el('div', 'log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'off'); // completed messages are announced once, through `announcer`
  log.tabIndex = 0;
  var greetingEl = el('div', 'msg bot greeting');
  greetingEl.hidden = true;
  var history = el('div', 'history');
  var outboxEl = el('div', 'outbox');
  log.appendChild(greetingEl);
  log.appendChild(history);
  log.appendChild(outboxEl);
  var typingEl = el('div', 'typing');
  typingEl.hidden = true;
  var actions = el('div', 'actions');
  var stopBtn = el('button', 'stop', T.stop);
  stopBtn.type = 'button';
  stopBtn.hidden = true;
  var humanBtn = el('button', 'human', T.human);
  humanBtn.type = 'button';
  actions.appendChild(stopBtn);
  actions.appendChild(humanBtn);
  var hint = el('div', 'hint');
  hint.hidden = true;
  hint.id = 'parley-hint';
  var composer = el('div', 'composer');
  var input = el('textarea');
  input.rows = 1;
  input.placeholder = T.placeholder;
  input.setAttribute('aria-label', T.message);
  input.setAttribute('aria-describedby', 'parley-hint');
  var sendBtn = el('button', 'send', T.send);
  sendBtn.type = 'button';
  composer.appendChild(input);
  composer.appendChild(sendBtn);
  var announcer = el('div', 'sr');
  announcer.setAttribute('role', 'status');
  announcer.setAttribute('aria-live', 'polite');
  [header, statusEl, log, typingEl, actions, hint, composer, announcer].forEach(function (n) { panel.appendChild(n); });
  var launcher = el('button', 'launcher');
  launcher.type = 'button';
  launcher.setAttribute('aria-controls', 'parley-panel');
  launcher.setAttribute('aria-expanded', 'false');
  launcher.appendChild(icon());
  var badge = el('span', 'badge');
  badge.hidden = true;
  badge.setAttribute('aria-hidden', 'true');
  launcher.appendChild(badge);
  wrap.appendChild(panel);
  wrap.appendChild(launcher);
  root.appendChild(wrap);

  // ---------- the conversation as shown ----------
  var botName = 'Chat';
  var agentName = null;
  var humanMode = false;
  var isOpen = false;
  var unread = 0;
  var seen = {};          // seq -> true for every stored event shown
  var contiguous = 0;     // every seq up to this one is shown: the resume point
  var byMessageId = {};   // messageId -> bubble (bot replies streaming or done, stored messages)
  var pendingEls = {};    // clientMsgId -> bubble of an unacknowledged message
  var streaming = {};     // messageId -> true while a reply streams
  var typingTimer = null;

  function nearBottom() { return log.scrollHeight - log.scrollTop - log.clientHeight < 60; }
  function keepScrolled(wasNear) { if (wasNear) log.scrollTop = log.scrollHeight; }
  function announce(text) { announcer.textContent = ''; announcer.textContent = text; }

  function bubble(role, text, authorName) {
    var node = el('div', 'msg ' + role);
    if (role === 'agent' && authorName) node.appendChild(el('span', 'author', authorName));
    node.appendChild(el('span', 'text', text));
    return node;
  }
  function textOf(node) { return node.querySelector('.text').textContent; }
  function note(node, text) {
    var n = node.querySelector('.note') || node.appendChild(el('span', 'note'));
    n.textContent = text;
  }
  function markSeen(seq) {
    seen[seq] = true;
    while (seen[contiguous + 1]) contiguous++;
  }
  function countUnread(seq, role) {
    if (role === 'visitor' || seq <= state.readSeq) return;
    if (isOpen && !document.hidden) { state.readSeq = Math.max(state.readSeq, seq); save(); return; }
    unread++;
    showUnread();
  }
  function showUnread() {
    badge.hidden = unread === 0;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    launcher.setAttribute('aria-label', T.open + (unread ? ', ' + unread + T.unread : ''));
    emit('unread', { count: unread });
  }
  function updateHeader() {
    nameEl.textContent = agentName && humanMode ? agentName : botName;
    subEl.textContent = agentName && humanMode ? botName : (humanMode ? T.requested.split('.')[0] : '');
    panel.setAttribute('aria-label', 'Chat with ' + nameEl.textContent);
    humanBtn.hidden = humanMode;
  }
  function updateStop() { stopBtn.hidden = Object.keys(streaming).length === 0; }
  function publicMessage(f, live) {
    return {
      seq: f.seq, messageId: f.messageId, conversationId: f.conversationId || state.conversationId,
      author: { role: f.author.role, name: f.author.name }, text: f.text, createdAt: f.createdAt || null, live: live
    };
  }

  function onStoredMessage(f, live) {
    if (seen[f.seq]) return;
    var wasNear = nearBottom();
    var node = byMessageId[f.messageId];
    if (node) { // a reply we saw stream (partly): the stored text is the whole truth
      node.querySelector('.text').textContent = f.text;
      node.classList.remove('streaming');
      delete streaming[f.messageId];
      updateStop();
    } else {
      node = bubble(f.author.role, f.text, f.author.name);
      history.appendChild(node);
      byMessageId[f.messageId] = node;
    }
    node.setAttribute('data-seq', f.seq);
    markSeen(f.seq);
    if (f.author.role === 'agent') hideTyping();
    keepScrolled(wasNear);
    if (f.author.role !== 'visitor' && live) announce(f.author.name + T.says + f.text);
    countUnread(f.seq, f.author.role);
    emit('message', publicMessage(f, live));
  }
  function onReplyStart(f) {
    var node = byMessageId[f.messageId];
    if (node && node.hasAttribute('data-seq')) return;
    var wasNear = nearBottom();
    if (node) {
      node.querySelector('.text').textContent = ''; // a resume sends all the text so far again
    } else {
      node = bubble('bot', '');
      history.appendChild(node);
      byMessageId[f.messageId] = node;
    }
    node.classList.add('streaming');
    streaming[f.messageId] = true;
    updateStop();
    keepScrolled(wasNear);
  }
  function onReplyDelta(f) {
    var node = byMessageId[f.messageId];
    if (!node || !streaming[f.messageId]) return;
    var wasNear = nearBottom();
    node.querySelector('.text').appendChild(document.createTextNode(f.text));
    keepScrolled(wasNear);
  }
  function onReplyEnd(f) {
    var node = byMessageId[f.messageId];
    delete streaming[f.messageId];
    updateStop();
    if (seen[f.seq]) return;
    if (!node) { setTimeout(reconnectNow, 0); return; } // never saw it start: resume to get the stored message
    node.classList.remove('streaming');
    node.setAttribute('data-seq', f.seq);
    var notes = { cancelled: T.cancelled, interrupted: T.interrupted, length: T.length, error: T.failedReply };
    if (notes[f.finish]) note(node, notes[f.finish]);
    markSeen(f.seq);
    var text = textOf(node);
    announce(botName + T.says + text);
    countUnread(f.seq, 'bot');
    emit('message', publicMessage({
      seq: f.seq, messageId: f.messageId, conversationId: f.conversationId,
      author: { role: 'bot', name: botName }, text: text, finish: f.finish
    }, true));
  }
  function onHandoff(f, live) {
    if (seen[f.seq]) return;
    markSeen(f.seq);
    var name = f.agent && f.agent.name ? f.agent.name : T.anAgent;
    var text;
    if (f.state === 'requested') { humanMode = true; text = T.requested; }
    else if (f.state === 'assigned') { humanMode = true; agentName = name; text = name + T.joined; }
    else { humanMode = false; agentName = null; text = name + T.left; }
    var wasNear = nearBottom();
    var node = bubble('system', text);
    node.setAttribute('data-seq', f.seq);
    history.appendChild(node);
    keepScrolled(wasNear);
    updateHeader();
    if (live) announce(text);
    emit('handoff', { seq: f.seq, state: f.state, agent: f.agent ? { name: f.agent.name } : null, live: live });
  }
  function onTyping(f) {
    if (!f.author || f.author.role === 'visitor') return;
    clearTimeout(typingTimer);
    if (!f.on) { hideTyping(); return; }
    typingEl.textContent = f.author.name + T.typing;
    typingEl.hidden = false;
    typingTimer = setTimeout(hideTyping, 15000); // a lost "off" must not leave it on forever
  }
  function hideTyping() { clearTimeout(typingTimer); typingEl.hidden = true; }

  function showPending(m) {
    var node = bubble('visitor pending', m.text);
    note(node, T.sending);
    pendingEls[m.id] = node;
    var wasNear = nearBottom();
    outboxEl.appendChild(node);
    keepScrolled(wasNear || isOpen);
  }
  function clearTranscript() {
    history.textContent = '';
    outboxEl.textContent = '';
    seen = {}; contiguous = 0; byMessageId = {}; pendingEls = {}; streaming = {}; historyUpTo = -1;
    humanMode = false; agentName = null; unread = 0;
    state.readSeq = 0;
    updateStop(); updateHeader(); showUnread(); hideTyping();
  }

  // ---------- the connection ----------
  var ws = null;
  var generation = 0;
  var welcomed = false;
  var attempts = 0;
  var retryTimer = null;
  var stopped = false;
  var openedAt = 0;
  var heartbeatMs = 25000;
  var pingTimer = null;
  var answerWait = 0;       // when a frame was sent that is still unanswered (0: none)
  var sentConversation = false;
  var identity = { token: null, refresh: null, wait: script.getAttribute('data-identify') === 'wait' };
  var handoffWanted = false;
  var consecutive4401 = 0;
  var helloTimer = null;
  var historyUpTo = -1;     // stored events up to this seq were history when the page loaded, not live

  function setStatus(text) {
    statusEl.hidden = !text;
    statusEl.textContent = text || '';
  }
  function connectionEvent(name, extra) {
    var detail = { state: name };
    for (var k in extra || {}) detail[k] = extra[k];
    emit('connection', detail);
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (ws || stopped || identity.wait) return;
    var gen = ++generation;
    welcomed = false;
    if (attempts > 0) setStatus(navigator.onLine === false ? T.offline : T.reconnecting);
    connectionEvent('connecting');
    var socket;
    try {
      socket = new WebSocket(SOCKET_URL, 'parley.v1');
    } catch (e) {
      stop(T.stopped, 'invalid_url');
      return;
    }
    ws = socket;
    clearTimeout(helloTimer);
    helloTimer = setTimeout(function () { // no welcome in time: the network ate the handshake
      if (gen !== generation || welcomed) return;
      dropSocket();
      onClosed(0, 'no welcome');
    }, 20000);
    socket.onopen = function () {
      if (gen !== generation) return;
      openedAt = Date.now();
      var hello = { type: 'hello' };
      if (state.visitorToken) hello.visitorToken = state.visitorToken;
      if (identity.token) hello.identityToken = identity.token;
      sentConversation = !!state.conversationId;
      if (state.conversationId) {
        hello.conversationId = state.conversationId;
        if (contiguous > 0) hello.lastSeq = contiguous; // a fresh page asks for the whole history
      }
      rawSend(hello);
    };
    socket.onmessage = function (event) {
      if (gen !== generation) return;
      answerWait = 0;
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame && typeof frame.type === 'string') onFrame(frame);
    };
    socket.onclose = function (event) {
      if (gen !== generation) return;
      dropSocket();
      onClosed(event.code, event.reason || '');
    };
  }
  function dropSocket() {
    var old = ws;
    ws = null;
    welcomed = false;
    generation++;
    clearInterval(pingTimer);
    clearTimeout(helloTimer);
    answerWait = 0;
    if (old) {
      old.onopen = old.onmessage = old.onclose = null;
      try { old.close(1000); } catch (e) { /* already closed */ }
    }
  }
  function rawSend(frame) {
    if (!ws || ws.readyState !== 1) return false;
    ws.send(JSON.stringify(frame));
    if (!answerWait) answerWait = Date.now();
    return true;
  }
  function retryIn(ms) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, ms);
  }
  function backoff() {
    attempts++;
    if (attempts >= 5 && historyUpTo < 0) setStatus(T.stopped); // never connected yet: maybe refused; keeps trying
    var ceiling = Math.min(30000, 500 * Math.pow(2, Math.min(attempts, 10)));
    retryIn(ceiling / 2 + Math.random() * ceiling / 2); // jittered: a fleet of widgets does not come back at once
  }
  /** Drops the socket (also one that is silently dead) and connects again at once. */
  function reconnectNow() {
    dropSocket();
    attempts = 0;
    connect();
  }
  function stop(text, why) {
    stopped = true;
    dropSocket();
    clearTimeout(retryTimer);
    setStatus(text);
    connectionEvent('stopped', { reason: why });
  }

  function onClosed(code, reason) {
    var lived = openedAt && Date.now() - openedAt > 10000;
    if (lived) attempts = 0;
    openedAt = 0;
    setStatus(navigator.onLine === false ? T.offline : T.reconnecting);
    connectionEvent('offline', { code: code, reason: reason });
    if (code !== 4401) consecutive4401 = 0;
    switch (code) {
      case 1012: // node restarting: at once to any node, backing off when it repeats
        if (attempts++ === 0) retryIn(Math.random() * 300); else backoff();
        return;
      case 4429: {
        var wait = /retryAfterMs=(\d+)/.exec(reason);
        attempts++;
        retryIn((wait ? +wait[1] : 30000) + Math.random() * 1000);
        return;
      }
      case 4403: // the conversation is not this visitor's
        if (sentConversation) {
          state.conversationId = null;
          clearTranscript();
          save();
          retryIn(0);
        } else {
          stop(T.stopped, 'forbidden');
        }
        return;
      case 4401:
        on4401(reason);
        return;
      case 4408:
        if (attempts++ === 0) retryIn(0); else backoff();
        return;
      case 1003:
      case 1007: // only a broken client gets these: retrying would repeat it
        stop(T.stopped, 'protocol_error');
        return;
      case 1009: { // a frame too big: never send that message again
        var last = state.outbox[state.outbox.length - 1];
        if (last) failMessage(last.id, T.tooLong);
        backoff();
        return;
      }
      default: // 1000, 1001, 1006 (network), 1008 (slow reader), 1011, a refused handshake
        backoff();
    }
  }
  function on4401(reason) {
    if (++consecutive4401 > 3) { consecutive4401 = 0; backoff(); return; }
    if (/identity token/.test(reason)) { // our identity token is invalid or expired
      identity.token = null;
      renewIdentity(reason);
    } else if (/needs a signed-in user/.test(reason)) {
      setStatus(T.signIn);
      identity.wait = true;
      emit('identityrequired', { reason: reason });
    } else { // visitor token invalid, expired, or of a signed-in user: start as a new visitor
      // what this person typed goes out as the new visitor; a signed-out user's messages stay unsent
      var keep = /signed-in user/.test(reason) ? [] : state.outbox;
      state.outbox.forEach(function (m) { if (keep.indexOf(m) < 0) forgotten[m.id] = true; });
      state.visitorToken = null;
      state.visitorId = null;
      state.conversationId = null;
      state.verified = false;
      clearTranscript();
      state.outbox = keep;
      keep.forEach(function (m) { m.visitorId = null; m.sentOn = -1; showPending(m); });
      save();
      retryIn(0);
    }
  }
  function renewIdentity(reason) {
    identity.wait = true;
    emit('identityrequired', { reason: reason });
    if (typeof identity.refresh !== 'function') return; // the host page calls Parley.identify again
    Promise.resolve().then(identity.refresh).then(function (token) {
      if (token) api.identify({ token: token, refresh: identity.refresh });
    }, function (e) {
      console.error('Parley: refreshing the identity token failed', e);
    });
  }

  function onFrame(f) {
    if (f.conversationId && !state.conversationId && f.type !== 'welcome') { // e.g. created by our handoff
      state.conversationId = f.conversationId;
      save();
    }
    switch (f.type) {
      case 'welcome': return onWelcome(f);
      case 'ack': return onAck(f);
      case 'message': return onStoredMessage(f, f.seq > historyUpTo);
      case 'reply.start': return onReplyStart(f);
      case 'reply.delta': return onReplyDelta(f);
      case 'reply.end': return onReplyEnd(f);
      case 'handoff': return onHandoff(f, f.seq > historyUpTo);
      case 'typing': return onTyping(f);
      case 'error': return onError(f);
      default: return; // pong, and anything newer than this widget
    }
  }
  function onWelcome(f) {
    welcomed = true;
    consecutive4401 = 0;
    if (state.visitorId && f.visitorId !== state.visitorId) { // another person (identity changed): start clean
      state.outbox.forEach(function (m) { forgotten[m.id] = true; });
      state.outbox = [];
      clearTranscript();
    }
    state.visitorId = f.visitorId;
    state.outbox.forEach(function (m) { if (!m.visitorId) m.visitorId = f.visitorId; }); // typed before the first welcome
    state.visitorToken = f.visitorToken;
    state.verified = !!identity.token;
    if (f.bot) {
      botName = f.bot.name || botName;
      if (f.bot.greeting) { greetingEl.textContent = f.bot.greeting; greetingEl.hidden = false; }
    }
    updateHeader();
    if (f.heartbeatMs > 0) heartbeatMs = f.heartbeatMs;
    if (!sentConversation && f.conversationId && f.lastSeq > contiguous) {
      // the visitor has a conversation this page has not loaded (new device, signed in): ask for its history
      state.conversationId = f.conversationId;
      save();
      reconnectNow();
      return;
    }
    if (f.conversationId) state.conversationId = f.conversationId;
    if (historyUpTo < 0) historyUpTo = sentConversation ? f.lastSeq : 0;
    save();
    setStatus(null);
    connectionEvent('online');
    startPings();
    flushOutbox();
    if (handoffWanted) { handoffWanted = false; rawSend({ type: 'handoff' }); }
  }
  function onAck(f) {
    if (f.conversationId && !state.conversationId) state.conversationId = f.conversationId;
    forgotten[f.clientMsgId] = true;
    state.outbox = state.outbox.filter(function (m) { return m.id !== f.clientMsgId; });
    save();
    var node = pendingEls[f.clientMsgId];
    delete pendingEls[f.clientMsgId];
    if (!node) return;
    if (seen[f.seq]) { node.remove(); return; } // the replay showed it already
    var wasNear = nearBottom();
    node.className = 'msg visitor';
    node.removeChild(node.querySelector('.note'));
    node.setAttribute('data-seq', f.seq);
    history.appendChild(node);
    byMessageId[f.messageId] = node;
    markSeen(f.seq);
    keepScrolled(wasNear);
    emit('message', publicMessage({
      seq: f.seq, messageId: f.messageId, conversationId: f.conversationId,
      author: { role: 'visitor', name: 'Visitor' }, text: textOf(node)
    }, true));
  }
  function onError(f) {
    var m = f.clientMsgId && find(f.clientMsgId);
    if (m) {
      if (f.code === 'message_too_long') return failMessage(m.id, T.tooLong);
      if (f.code === 'bad_frame') return failMessage(m.id, f.message || f.code);
      // rate_limited, store_failed and codes this widget does not know: the same message again later
      m.failures = (m.failures || 0) + 1;
      var wait = Math.max(f.retryAfterMs || 1000, f.code === 'store_failed' ? 1000 * Math.pow(2, Math.min(m.failures, 5)) : 0);
      m.sentOn = -1;
      m.notBefore = Date.now() + wait;
      setTimeout(flushOutbox, wait + Math.random() * 250);
      return;
    }
    if (f.code === 'internal') { setStatusBriefly(T.tryAgain); updateHeader(); } // a handoff or cancel failed
    if (f.code !== 'nothing_to_cancel' && f.code !== 'already_started') emit('error', { code: f.code, message: f.message });
  }
  function setStatusBriefly(text) {
    setStatus(text);
    setTimeout(function () { if (statusEl.textContent === text) setStatus(welcomed ? null : T.reconnecting); }, 5000);
  }
  function find(id) {
    for (var i = 0; i < state.outbox.length; i++) if (state.outbox[i].id === id) return state.outbox[i];
    return null;
  }
  function failMessage(id, why) {
    forgotten[id] = true;
    state.outbox = state.outbox.filter(function (m) { return m.id !== id; });
    save();
    var node = pendingEls[id];
    delete pendingEls[id];
    if (node) {
      node.className = 'msg visitor failed';
      note(node, T.notSent + why);
    }
  }
  function flushOutbox() {
    if (!welcomed) return;
    state.outbox.forEach(function (m) {
      if (m.sentOn === generation) return; // sent on this connection already; its answer is on the way
      if (m.notBefore > Date.now()) return; // refused for now; its own timer sends it again
      m.sentOn = generation;
      rawSend({ type: 'message', clientMsgId: m.id, text: m.text });
    });
  }
  function startPings() {
    clearInterval(pingTimer);
    var sinceLastPing = 0;
    pingTimer = setInterval(function () {
      if (answerWait && Date.now() - answerWait > ANSWER_WAIT_MS) { // silently dead (no close reached us)
        dropSocket();
        setStatus(T.reconnecting);
        connectionEvent('offline', { code: 0, reason: 'no answer' });
        backoff();
        return;
      }
      sinceLastPing += 2000;
      if (sinceLastPing >= heartbeatMs) { sinceLastPing = 0; rawSend({ type: 'ping', t: Date.now() }); }
    }, 2000);
  }

  // ---------- what the visitor does ----------
  var typingOn = false;
  var typingSentAt = 0;
  var typingIdle = null;
  function sendTyping(on) {
    if (!welcomed || !state.conversationId) return;
    typingOn = on;
    typingSentAt = Date.now();
    ws.send(JSON.stringify({ type: 'typing', on: on })); // not answered: does not arm the dead-socket check
  }
  function newId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return 'w' + btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, '-').replace(/\//g, '_');
  }
  function problemWith(text) {
    if (Array.from(text).length > MAX_CHARS) return T.tooLong;
    var frame = JSON.stringify({ type: 'message', clientMsgId: 'w0000000000000000', text: text });
    if (new TextEncoder().encode(frame).length > MAX_FRAME_BYTES - 64) return T.tooLong;
    return null;
  }
  function submit() {
    var text = input.value.replace(/\u0000/g, '');
    if (!text.trim()) return;
    var problem = problemWith(text);
    if (problem) { showHint(problem); return; }
    input.value = '';
    showHint(null);
    clearTimeout(typingIdle);
    if (typingOn) sendTyping(false);
    var m = { id: newId(), text: text, visitorId: state.visitorId, at: Date.now() };
    state.outbox.push(m);
    save();
    showPending(m);
    if (welcomed) flushOutbox(); else if (!ws && !retryTimer) connect();
  }
  function showHint(text) { hint.hidden = !text; hint.textContent = text || ''; }

  sendBtn.addEventListener('click', function () { submit(); input.focus(); });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  input.addEventListener('input', function () {
    showHint(Array.from(input.value).length > MAX_CHARS ? T.tooLong : null);
    if (!input.value) return;
    if (!typingOn || Date.now() - typingSentAt > TYPING_IDLE_MS) sendTyping(true);
    clearTimeout(typingIdle);
    typingIdle = setTimeout(function () { if (typingOn) sendTyping(false); }, TYPING_IDLE_MS);
  });
  stopBtn.addEventListener('click', function () {
    Object.keys(streaming).forEach(function (id) { rawSend({ type: 'cancel', messageId: id }); });
    input.focus();
  });
  humanBtn.addEventListener('click', function () {
    if (!rawSend({ type: 'handoff' })) handoffWanted = true;
    humanBtn.hidden = true;
  });
  launcher.addEventListener('click', function () { if (isOpen) api.close(); else api.open(); });
  closeBtn.addEventListener('click', function () { api.close(); });
  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { e.stopPropagation(); api.close(); }
  });

  window.addEventListener('online', function () { // the network is back: do not wait for a backoff
    if (!welcomed && !stopped) { dropSocket(); attempts = 0; connect(); } else if (welcomed) reconnectNow();
  });
  window.addEventListener('offline', function () { setStatus(T.offline); });
  document.addEventListener('visibilitychange', function () {
    if (document.hidden) return;
    if (isOpen) { state.readSeq = Math.max(state.readSeq, contiguous); save(); unread = 0; showUnread(); }
    if (!ws && !stopped && retryTimer) connect();
  });
  window.addEventListener('storage', function (e) { // another tab of this visitor started the conversation
    if (e.key !== STORE || state.conversationId) return;
    var other = readStore();
    if (other.conversationId && other.visitorId === state.visitorId) {
      state.conversationId = other.conversationId;
      if (welcomed) reconnectNow(); // follow it, with its history
    }
  });
  window.addEventListener('pageshow', function (e) { if (e.persisted && !ws) reconnectNow(); });

  // ---------- the API for host pages ----------
  var api = {
    version: '1.0.0',
    /** Opens the panel and puts the focus in the message field. */
    open: function () { show(true); },
    /** Closes the panel; the focus goes back to the launcher when it was inside the panel. */
    close: function () {
      if (!isOpen) return;
      isOpen = false;
      remember(false);
      var hadFocus = root.activeElement && panel.contains(root.activeElement);
      panel.hidden = true;
      wrap.classList.remove('open');
      launcher.setAttribute('aria-expanded', 'false');
      if (hadFocus) launcher.focus();
      emit('close', {});
    },
    /**
     * Tells the chat who the site's signed-in user is: {token} is an identity token made by the site's server;
     * {refresh} (optional) a function returning a fresh token (or a Promise of one) when it expires.
     * identify(null): nobody is signed in; a signed-in visitor this browser remembers is forgotten (sign-out
     * on a shared computer), an anonymous one is kept.
     */
    identify: function (options) {
      if (!options || !options.token) { // nobody signed in: a signed-in visitor was signed out
        var signedIn = identity.token || state.verified;
        identity.token = null;
        identity.refresh = null;
        identity.wait = false;
        if (signedIn) forgetVisitor(); else if (!ws) connect();
        return;
      }
      identity.token = String(options.token);
      identity.refresh = options.refresh || identity.refresh;
      identity.wait = false;
      stopped = false;
      setStatus(null);
      reconnectNow();
    },
    /** Forgets this browser's visitor (token, conversation, unsent messages) and starts as a new one. */
    reset: function () { forgetVisitor(); },
    /** Calls fn(detail) on each event `name`; returns a function that removes it. */
    on: function (name, fn) {
      (listeners[name] = listeners[name] || []).push(fn);
      return function () { api.off(name, fn); };
    },
    off: function (name, fn) {
      listeners[name] = (listeners[name] || []).filter(function (f) { return f !== fn; });
    },
    /** What the widget knows: connection, conversation and unread count (no tokens). */
    state: function () {
      return {
        connected: welcomed, visitorId: state.visitorId, conversationId: state.conversationId,
        lastSeq: contiguous, unread: unread, open: isOpen, humanMode: humanMode, agent: agentName
      };
    }
  };
  function show(focus) {
    if (isOpen) return;
    isOpen = true;
    remember(true);
    panel.hidden = false;
    wrap.classList.add('open');
    launcher.setAttribute('aria-expanded', 'true');
    unread = 0;
    state.readSeq = Math.max(state.readSeq, contiguous);
    save();
    showUnread();
    log.scrollTop = log.scrollHeight;
    if (focus) input.focus();
    emit('open', {});
  }
  /** The panel stays open from page to page of the site, in this tab only. */
  function remember(open) {
    try {
      if (open) window.sessionStorage.setItem(STORE + '.open', '1'); else window.sessionStorage.removeItem(STORE + '.open');
    } catch (e) { /* storage blocked */ }
  }
  function wasOpen() {
    try { return window.sessionStorage.getItem(STORE + '.open') === '1'; } catch (e) { return false; }
  }
  function forgetVisitor() {
    state.outbox.forEach(function (m) { forgotten[m.id] = true; });
    state.visitorToken = state.visitorId = state.conversationId = null;
    state.verified = false;
    state.outbox = [];
    clearTranscript();
    save();
    stopped = false;
    reconnectNow();
  }

  window.Parley = api;
  updateHeader();
  showUnread();
  state.outbox.forEach(function (m) { m.sentOn = -1; if (m.visitorId === state.visitorId) showPending(m); });
  state.outbox = state.outbox.filter(function (m) { return m.visitorId === state.visitorId; });
  function start() {
    document.body.appendChild(host);
    if (wasOpen()) show(false); // a new page of the site: open as it was, without taking the focus
    connect();
    emit('ready', {});
  }
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();
