// The Parley agent console: login, workspace choice, the inbox and one conversation at a time, over
// /ws/agent. Everything a visitor or the server wrote is put into the page with textContent only; the
// page's CSP (Trusted Types without a policy) makes any HTML string assignment fail.

import { Session, SessionEnded, unsafePost, loginMethods } from './session.js';
import { AgentLink } from './agent-link.js';

const WORKSPACE_KEY = 'parley.console.workspace';
const TYPING_IDLE_MS = 3_000;
const TYPING_SHOWN_MS = 8_000;
const PROVIDER_NAMES = { google: 'Google', microsoft: 'Microsoft' };
const ERRORS = {
  forbidden: 'Your role may not do that.',
  not_assigned: 'Take the conversation over first.',
  assigned_to_another: 'Another agent is handling this conversation; they must release it first.',
  not_found: 'This conversation is not in this workspace any more.',
  client_msg_id_taken: 'The message was not sent; send it again.',
  message_too_long: 'The message is too long: at most 4000 characters.',
  too_many_joined: 'Too many conversations are open at once; leave one first.',
  rate_limited: 'Too fast; wait a moment.',
  bad_frame: 'The server did not understand that.',
};

const $ = (id) => document.getElementById(id);
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
};

const session = new Session();
let link = null;
let me = null;
let memberships = [];
const inbox = new Map();
let open = null;
const outbox = new Map();
/** Takeover or release asked for while the socket was down: sent once it is back. */
const queued = [];
let typingSent = false;
let typingTimer = 0;

// ---- screens ------------------------------------------------------------------------------------

function show(screen) {
  for (const id of ['loading', 'login', 'workspaces', 'desk']) {
    $(id).hidden = id !== screen;
  }
  const signedIn = screen === 'desk' || screen === 'workspaces';
  $('logout').hidden = !signedIn;
  $('switch-workspace').hidden = screen !== 'desk' || memberships.length < 2;
  if (screen !== 'desk') {
    for (const id of ['workspace-name', 'role', 'presence', 'link-state']) {
      $(id).hidden = true;
    }
  }
}

async function boot() {
  show('loading');
  try {
    if (await session.refresh()) {
      await enterDesk();
    } else {
      await showLogin();
    }
  } catch (error) {
    if (error instanceof SessionEnded) {
      await showLogin();
    } else {
      await showLogin('The server could not be reached. Reload the page to try again.');
    }
  }
}

async function showLogin(message = '') {
  stopLink();
  show('login');
  $('magic-status').textContent = message;
  const methods = await loginMethods();
  const oidc = $('oidc');
  oidc.replaceChildren(el('p', 'or', 'or'));
  for (const provider of methods.oidc) {
    const a = el('a', 'button provider', `Log in with ${PROVIDER_NAMES[provider.id] ?? provider.id}`);
    a.href = provider.start;
    a.dataset.provider = provider.id;
    oidc.append(a);
  }
  oidc.hidden = methods.oidc.length === 0;
  $('email').focus();
}

$('magic-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('email');
  const status = $('magic-status');
  const email = input.value.trim();
  if (!email || !input.checkValidity()) {
    status.textContent = 'Give your e-mail address.';
    input.focus();
    return;
  }
  const button = event.submitter ?? $('magic-form').querySelector('button');
  button.disabled = true;
  status.textContent = 'Sending…';
  try {
    const response = await unsafePost('/api/v1/auth/magic-links', { email });
    if (response.status === 202) {
      status.textContent = `If ${email} may log in, a login link is on its way. Open it in this browser; `
        + 'it works once and expires soon.';
    } else if (response.status === 429) {
      const seconds = Number(response.headers.get('Retry-After')) || 60;
      status.textContent = `Too many login links were asked for. Try again in ${Math.ceil(seconds / 60)} min.`;
    } else if (response.status === 400) {
      status.textContent = 'That does not look like an e-mail address.';
    } else {
      status.textContent = 'The link could not be requested. Try again in a moment.';
    }
  } catch {
    status.textContent = 'The server could not be reached. Try again in a moment.';
  } finally {
    button.disabled = false;
  }
});

async function enterDesk() {
  const profile = await session.get('/api/v1/me');
  memberships = profile.memberships;
  const remembered = sessionStorage.getItem(WORKSPACE_KEY);
  const chosen = memberships.find((m) => m.workspaceId === remembered)
    ?? (memberships.length === 1 ? memberships[0] : null);
  if (chosen) {
    connect(chosen.workspaceId);
  } else {
    showWorkspaces(memberships.length === 0
      ? 'You are not a member of any workspace yet. Ask a workspace owner for an invitation.' : '');
  }
}

function showWorkspaces(message) {
  stopLink();
  show('workspaces');
  const list = $('workspace-list');
  list.replaceChildren();
  for (const membership of memberships) {
    const button = el('button', 'choice');
    button.type = 'button';
    button.append(el('span', 'name', membership.workspaceName), el('span', 'role', membership.role));
    button.addEventListener('click', () => {
      sessionStorage.setItem(WORKSPACE_KEY, membership.workspaceId);
      connect(membership.workspaceId);
    });
    const item = el('li', null);
    item.append(button);
    list.append(item);
  }
  $('workspaces-status').textContent = message;
  list.querySelector('button')?.focus();
}

$('switch-workspace').addEventListener('click', () => {
  sessionStorage.removeItem(WORKSPACE_KEY);
  showWorkspaces('');
});

$('logout').addEventListener('click', async () => {
  $('logout').disabled = true;
  try {
    await session.logout();
  } catch {
    // the session is forgotten here whatever the server said; 'ended' shows the login page
  } finally {
    $('logout').disabled = false;
  }
});

session.on((what) => {
  if (what === 'ended') {
    sessionStorage.removeItem(WORKSPACE_KEY);
    showLogin('You are logged out.');
  } else if (what === 'login' && !$('login').hidden) {
    boot();
  } else if (what === 'refreshed') {
    link?.renew(); // a socket lives only as long as the token it started with
  }
});

// ---- the agent socket ---------------------------------------------------------------------------

function connect(workspaceId) {
  stopLink();
  inbox.clear();
  outbox.clear();
  queued.length = 0;
  open = null;
  show('desk');
  renderInbox();
  showPane('inbox');
  link = new AgentLink(session, workspaceId, {
    welcome,
    frame: received,
    state: linkState,
    ended: () => showLogin('Your session ended. Log in again.'),
    workspaceRefused: async () => {
      sessionStorage.removeItem(WORKSPACE_KEY);
      try {
        memberships = (await session.get('/api/v1/me')).memberships;
      } catch {
        // keep the list we have
      }
      showWorkspaces('That workspace cannot be opened (any more). Choose one.');
    },
    failed: (reason) => linkState('failed', reason),
  });
  link.start();
}

function stopLink() {
  link?.stop();
  link = null;
}

function linkState(kind, detail) {
  const state = $('link-state');
  state.hidden = kind === 'online';
  state.dataset.state = kind;
  state.textContent = kind === 'connecting' ? 'Connecting…'
    : kind === 'offline' ? `Offline — reconnecting in ${detail} s`
      : kind === 'failed' ? 'Disconnected. Reload the page.' : '';
}

function welcome(frame) {
  me = frame;
  $('workspace-name').textContent = frame.workspace.name;
  $('workspace-name').hidden = false;
  $('role').textContent = frame.role;
  $('role').hidden = false;
  $('switch-workspace').hidden = memberships.length < 2;
  $('viewer-note').hidden = frame.role !== 'viewer';
  link.send({ type: 'subscribe', inbox: true });
  if (open) {
    link.send({ type: 'join', conversationId: open.id, lastSeq: open.lastSeq });
    renderConversationHead();
  }
  for (const waiting of queued.splice(0)) {
    link.send(waiting);
  }
  for (const [clientMsgId, pending] of outbox) {
    link.send({ type: 'message', conversationId: pending.conversationId, clientMsgId, text: pending.text });
  }
}

/** Sends now, or when the socket is back (the status line says what is under way). */
function sendSoon(frame) {
  if (!link?.send(frame)) {
    queued.push(frame);
  }
}

function received(frame) {
  switch (frame.type) {
    case 'inbox':
      inbox.clear();
      frame.conversations.forEach(remember);
      renderInbox();
      if (open) {
        renderConversationHead();
      }
      break;
    case 'inbox.update':
      remember(frame.conversation);
      renderInbox();
      if (open?.id === frame.conversation.conversationId) {
        renderConversationHead();
      }
      break;
    case 'presence':
      renderPresence(frame.agents);
      break;
    case 'ack':
      acked(frame);
      break;
    case 'error':
      refused(frame);
      break;
    default:
      if (open && frame.conversationId === open.id) {
        conversationEvent(frame);
      }
  }
}

/** Keeps the summary with the highest lastSeq: updates may come twice or out of order. */
function remember(summary) {
  const known = inbox.get(summary.conversationId);
  if (!known || summary.lastSeq >= known.lastSeq) {
    inbox.set(summary.conversationId, summary);
    if (open?.id === summary.conversationId && summary.lastSeq >= open.stateSeq) {
      open.handoff = summary.handoff;
      open.humanHandling = summary.humanHandling;
      open.stateSeq = summary.lastSeq;
    }
  }
}

function renderPresence(agents) {
  const presence = $('presence');
  const names = agents.map((agent) => agent.name);
  presence.textContent = `Online: ${names.join(', ')}`;
  presence.title = names.join('\n');
  presence.hidden = false;
}

// ---- inbox --------------------------------------------------------------------------------------

function visitorLabel(visitor) {
  if (!visitor) {
    return 'Visitor';
  }
  return visitor.name || visitor.email || `Visitor ${visitor.id.slice(2, 8)}`;
}

function isMine(handoff) {
  return handoff?.state === 'assigned' && me && handoff.agent?.name === me.name;
}

function statusOf(summary) {
  if (summary.handoff?.state === 'assigned') {
    return isMine(summary.handoff) ? ['mine', 'With you'] : ['agent', `With ${summary.handoff.agent?.name ?? 'an agent'}`];
  }
  return summary.humanHandling ? ['waiting', 'Wants a human'] : ['bot', 'Bot'];
}

function timeOf(iso) {
  const when = new Date(iso);
  const sameDay = when.toDateString() === new Date().toDateString();
  const node = el('time', null, sameDay
    ? when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : when.toLocaleDateString([], { day: 'numeric', month: 'short' }));
  node.dateTime = iso;
  return node;
}

/** Updates the list in place (buttons keep their identity, so a click or focus is never lost to a redraw). */
function renderInbox() {
  const list = $('inbox-list');
  const focused = document.activeElement;
  const items = [...inbox.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const shown = new Map([...list.children].map((item) => [item.firstChild.dataset.conversationId, item]));
  items.forEach((summary, index) => {
    let item = shown.get(summary.conversationId);
    if (!item) {
      item = el('li', null);
      const button = el('button', 'conversation-item');
      button.type = 'button';
      button.dataset.conversationId = summary.conversationId;
      button.addEventListener('click', () => openConversation(summary.conversationId));
      item.append(button);
    }
    shown.delete(summary.conversationId);
    fillInboxItem(item.firstChild, summary);
    if (list.children[index] !== item) {
      list.insertBefore(item, list.children[index] ?? null);
    }
  });
  shown.forEach((item) => item.remove());
  $('inbox-empty').hidden = items.length > 0;
  if (focused && focused !== document.activeElement && list.contains(focused)) {
    focused.focus();
  }
}

function fillInboxItem(button, summary) {
  if (open?.id === summary.conversationId) {
    button.setAttribute('aria-current', 'true');
  } else {
    button.removeAttribute('aria-current');
  }
  const [kind, status] = statusOf(summary);
  const top = el('span', 'top');
  top.append(el('span', 'visitor', visitorLabel(summary.visitor)), el('span', `badge ${kind}`, status),
    timeOf(summary.updatedAt));
  const parts = [top];
  if (summary.lastMessage) {
    const who = summary.lastMessage.role === 'visitor' ? 'Visitor' : summary.lastMessage.authorName;
    parts.push(el('span', 'preview', `${who}: ${summary.lastMessage.text}`));
  }
  button.replaceChildren(...parts);
}

// ---- one conversation ---------------------------------------------------------------------------

function showPane(pane) {
  document.body.classList.toggle('show-conversation', pane === 'conversation');
  $('conversation').hidden = !open;
  $('no-conversation').hidden = Boolean(open);
}

function openConversation(id) {
  if (open?.id === id) {
    showPane('conversation');
    $('conversation-title').focus();
    return;
  }
  if (open) {
    stopTyping();
    link?.send({ type: 'leave', conversationId: open.id });
  }
  const summary = inbox.get(id);
  open = {
    id,
    lastSeq: 0,
    byMessageId: new Map(),
    replies: new Map(),
    handoff: summary?.handoff ?? null,
    humanHandling: summary?.humanHandling ?? false,
    stateSeq: 0,
    typingTimer: 0,
  };
  $('log').replaceChildren();
  $('typing').textContent = '';
  $('conversation-status').textContent = '';
  $('reply').value = '';
  link?.send({ type: 'join', conversationId: id, lastSeq: 0 });
  renderConversationHead();
  renderInbox();
  showPane('conversation');
  $('conversation-title').focus();
}

function closeConversation() {
  if (!open) {
    return;
  }
  stopTyping();
  const id = open.id;
  link?.send({ type: 'leave', conversationId: id });
  open = null;
  showPane('inbox');
  renderInbox();
  $('inbox-list').querySelector(`button[data-conversation-id="${CSS.escape(id)}"]`)?.focus();
}

$('leave').addEventListener('click', closeConversation);
$('back').addEventListener('click', () => {
  showPane('inbox');
  if (open) {
    $('inbox-list').querySelector(`button[data-conversation-id="${CSS.escape(open.id)}"]`)?.focus();
  }
});
$('conversation').addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && document.body.classList.contains('show-conversation')) {
    $('back').click();
  }
});

function renderConversationHead() {
  const summary = inbox.get(open.id);
  const visitor = summary?.visitor;
  $('conversation-title').textContent = visitorLabel(visitor);
  $('conversation').dataset.conversationId = open.id;
  const meta = [];
  if (visitor?.name && visitor.email) {
    meta.push(visitor.email);
  }
  meta.push(visitor?.verified ? 'signed in on the website' : 'anonymous visitor');
  $('conversation-meta').textContent = meta.join(' · ');
  const mine = isMine(open.handoff);
  const assigned = open.handoff?.state === 'assigned';
  const holder = open.handoff?.agent?.name ?? 'another agent';
  $('conversation-state').textContent = assigned
    ? (mine ? 'You are handling this conversation.' : `${holder} is handling this conversation.`)
    : open.humanHandling ? 'The visitor asked for a human.' : 'The bot is answering.';
  const canWrite = me !== null && me.role !== 'viewer';
  $('takeover').hidden = !canWrite || assigned;
  $('release').hidden = !canWrite || !mine;
  $('composer').hidden = !canWrite || !mine;
  const hint = $('composer-hint');
  hint.textContent = !me ? ''
    : !canWrite ? 'Viewers can read conversations but not reply.'
      : mine ? ''
        : assigned ? `${holder} must release this conversation before you can take it over.`
          : 'Take over to reply: the bot stops answering.';
  hint.hidden = hint.textContent === '';
}

$('takeover').addEventListener('click', () => {
  if (open) {
    sendSoon({ type: 'takeover', conversationId: open.id });
    $('conversation-status').textContent = 'Taking over…';
  }
});
$('release').addEventListener('click', () => {
  if (open) {
    stopTyping();
    sendSoon({ type: 'release', conversationId: open.id });
    $('conversation-status').textContent = 'Releasing…';
  }
});

function conversationEvent(frame) {
  switch (frame.type) {
    case 'message':
      if (stored(frame.seq) || open.replies.has(frame.messageId)) {
        showMessage(frame);
      }
      break;
    case 'handoff':
      if (stored(frame.seq)) {
        showHandoff(frame);
      }
      break;
    case 'reply.start':
      replyStarted(frame);
      break;
    case 'reply.delta':
      replyDelta(frame);
      break;
    case 'reply.end':
      replyEnded(frame);
      break;
    case 'typing':
      showTyping(frame);
      break;
    default:
      break;
  }
}

/** Whether a stored event is new: each seq is shown once, whatever a reconnect replays. */
function stored(seq) {
  if (seq <= open.lastSeq) {
    return false;
  }
  open.lastSeq = seq;
  return true;
}

function keepScrolled(change) {
  const log = $('log');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  change();
  if (atBottom) {
    log.scrollTop = log.scrollHeight;
  }
}

/** Stored and streaming entries go before messages still being sent, so the log stays in order. */
function place(item) {
  keepScrolled(() => $('log').insertBefore(item, $('log').querySelector(':scope > li.pending')));
}

function messageItem(author, createdAt) {
  const role = author.role === 'agent' && me && author.id === me.operatorId ? 'me' : author.role;
  const item = el('li', `message from-${role}`);
  const by = el('p', 'by');
  by.append(el('span', 'author', role === 'me' ? 'You' : author.name));
  if (createdAt) {
    by.append(timeOf(createdAt));
  }
  item.append(by, el('p', 'text'));
  return item;
}

function showMessage(frame) {
  const existing = open.byMessageId.get(frame.messageId) ?? open.replies.get(frame.messageId)?.item;
  if (existing) {
    // our own message after its ack, or a reply we saw stream: now it is stored
    existing.classList.remove('pending', 'streaming');
    existing.querySelector('.text').textContent = frame.text;
    existing.querySelector('.state')?.remove();
    existing.dataset.seq = frame.seq;
    open.replies.delete(frame.messageId);
    if (!existing.querySelector('time')) {
      existing.querySelector('.by').append(timeOf(frame.createdAt));
    }
    place(existing);
    return;
  }
  const item = messageItem(frame.author, frame.createdAt);
  item.querySelector('.text').textContent = frame.text;
  item.dataset.seq = frame.seq;
  item.dataset.messageId = frame.messageId;
  open.byMessageId.set(frame.messageId, item);
  place(item);
}

function showHandoff(frame) {
  const name = frame.agent?.name ?? 'An agent';
  const text = frame.state === 'requested' ? 'The visitor asked for a human.'
    : frame.state === 'assigned' ? `${name} took over.`
      : `${name} handed the conversation back to the bot.`;
  const item = el('li', `event handoff-${frame.state}`, text);
  item.dataset.seq = frame.seq;
  place(item);
  open.handoff = { state: frame.state, agent: frame.agent ?? null };
  open.humanHandling = frame.state !== 'released';
  open.stateSeq = frame.seq;
  const status = $('conversation-status');
  if (status.textContent === 'Taking over…' || status.textContent === 'Releasing…') {
    status.textContent = '';
  }
  renderConversationHead();
  if (isMine(open.handoff)) {
    $('reply').focus();
  }
}

function replyStarted(frame) {
  let reply = open.replies.get(frame.messageId);
  if (!reply) {
    const item = messageItem(frame.author, null);
    item.classList.add('streaming');
    item.dataset.messageId = frame.messageId;
    item.dataset.deltas = '0';
    reply = { item, text: document.createTextNode('') };
    item.querySelector('.text').append(reply.text);
    open.replies.set(frame.messageId, reply);
    place(item);
  } else {
    reply.text.data = ''; // caught up after a reconnect: the next delta holds all the text so far
  }
}

function replyDelta(frame) {
  const reply = open.replies.get(frame.messageId);
  if (reply) {
    keepScrolled(() => reply.text.appendData(frame.text));
    reply.item.dataset.deltas = String(Number(reply.item.dataset.deltas) + 1);
  }
}

function replyEnded(frame) {
  const reply = open.replies.get(frame.messageId);
  if (!reply) {
    return; // a reader who missed reply.start gets the stored message instead
  }
  // a reply's end comes last even when later events were stored before it, so its seq may be lower
  open.lastSeq = Math.max(open.lastSeq, frame.seq);
  open.replies.delete(frame.messageId);
  reply.item.classList.remove('streaming');
  reply.item.dataset.seq = frame.seq;
  reply.item.dataset.finish = frame.finish;
  open.byMessageId.set(frame.messageId, reply.item);
  if (frame.finish !== 'stop') {
    const why = { cancelled: 'stopped', length: 'cut at the length limit', error: 'the bot failed',
      interrupted: 'interrupted' }[frame.finish] ?? frame.finish;
    reply.item.append(el('p', 'state', `(${why})`));
  }
}

function showTyping(frame) {
  const who = frame.author.role === 'visitor' ? 'The visitor' : frame.author.name;
  clearTimeout(open.typingTimer);
  $('typing').textContent = frame.on ? `${who} is typing…` : '';
  if (frame.on) {
    open.typingTimer = setTimeout(() => { $('typing').textContent = ''; }, TYPING_SHOWN_MS);
  }
}

// ---- replying -----------------------------------------------------------------------------------

function sendTyping(on) {
  if (open && typingSent !== on && link?.send({ type: 'typing', conversationId: open.id, on })) {
    typingSent = on;
  }
}

function stopTyping() {
  clearTimeout(typingTimer);
  sendTyping(false);
}

$('reply').addEventListener('input', () => {
  if ($('reply').value.trim() === '') {
    stopTyping();
    return;
  }
  sendTyping(true);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => sendTyping(false), TYPING_IDLE_MS);
});

$('reply').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('reply').value;
  if (!open || text.trim() === '') {
    return;
  }
  const clientMsgId = crypto.randomUUID();
  const item = messageItem({ role: 'agent', id: me.operatorId, name: me.name }, null);
  item.classList.add('pending');
  item.querySelector('.text').textContent = text;
  item.append(el('p', 'state', 'Sending…'));
  keepScrolled(() => $('log').append(item));
  outbox.set(clientMsgId, { conversationId: open.id, text, item });
  link?.send({ type: 'message', conversationId: open.id, clientMsgId, text });
  $('reply').value = '';
  stopTyping();
});

function acked(frame) {
  const pending = outbox.get(frame.clientMsgId);
  if (!pending) {
    return;
  }
  outbox.delete(frame.clientMsgId);
  if (!open || open.id !== pending.conversationId) {
    return;
  }
  if (frame.seq <= open.lastSeq) {
    pending.item.remove(); // the stored message came first (a resend after a reconnect)
    return;
  }
  pending.item.dataset.messageId = frame.messageId;
  pending.item.querySelector('.state').textContent = 'Sent';
  open.byMessageId.set(frame.messageId, pending.item);
}

function refused(frame) {
  const text = ERRORS[frame.code] ?? 'That did not work; try again.';
  const pending = frame.clientMsgId ? outbox.get(frame.clientMsgId) : undefined;
  if (pending && (frame.code === 'rate_limited' || frame.code === 'store_failed')) {
    setTimeout(() => {
      if (outbox.has(frame.clientMsgId)) {
        link?.send({ type: 'message', conversationId: pending.conversationId, clientMsgId: frame.clientMsgId,
          text: pending.text });
      }
    }, frame.retryAfterMs ?? 1_000);
    return;
  }
  if (pending) {
    outbox.delete(frame.clientMsgId);
    pending.item.classList.replace('pending', 'failed');
    pending.item.querySelector('.state').textContent = `Not sent: ${text}`;
  }
  $('conversation-status').textContent = text;
}

boot();
