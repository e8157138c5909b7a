/*
 * The chat page (chat.ftl), put together: which conversation is open (the URL hash "#u:12" / "#g:3"
 * says which, so a reload keeps it and a phone's back button returns to the list), the frames of the
 * chat socket sent where they belong, and the page's start. The modules and their jobs are described
 * in docs/web-client.md.
 */
import {
  api, M, me, dom, appNode, state, conversation, conversationOf, parseKey, saveUnread, isNarrow, isViewing,
  expired, toast, whenSessionOver
} from './state.js';
import { record, findKnown, remember } from './records.js';
import { renderMessages, appendRecord, resetJump, watchScroll } from './render.js';
import { renderList, refreshListItem, whenSelected } from './list.js';
import { loadFirstPage, loadOlder, fillViewport } from './history.js';
import {
  loadMe, renderMe, loadFriends, loadGroups, reloadFriendsSoon, reloadGroupsSoon, whenContactsChanged
} from './contacts.js';
import { setupComposer, saveDraft, restoreDraft, closeEmojiPanel, cancelRecording } from './composer.js';
import * as outbox from './outbox.js';
import * as receipts from './receipts.js';
import { ChatSocket, advanceCursor, showConnectionState } from './connection.js';

const FRIENDS_REFRESH_MS = 15000;
const GROUPS_REFRESH_MS = 60000;

// ---- the open conversation ----

function selectConversation(key) {
  if (state.active && state.active.key === key) {
    if (isNarrow()) dom.input.focus();
    return;
  }
  if (!state.active && isNarrow()) {
    // On a phone, opening is a step forward: the back button (or the phone's) returns to the list.
    state.openedByPush = true;
    location.hash = key;
  } else {
    history.replaceState(null, '', '#' + key);
    openConversation(key);
  }
}

function routeFromHash() {
  const key = location.hash.replace(/^#/, '');
  if (parseKey(key)) openConversation(key);
  else closeConversation();
}

function openConversation(key) {
  const parsed = parseKey(key);
  if (!parsed) return;
  if (state.active && state.active.key === key) return;
  saveDraft();
  closeEmojiPanel();
  cancelRecording();
  const c = conversation(parsed.kind, parsed.id);
  state.active = c;
  appNode.classList.add('show-conv');
  dom.welcome.hidden = true;
  dom.conversation.hidden = false;
  dom.conversation.setAttribute('data-conv', c.key);
  renderHeader(c);
  resetJump();
  renderMessages(c, 'bottom');
  markSeen(c);
  renderList();
  restoreDraft(c);
  if (!isNarrow()) dom.input.focus();
  if (c.history === 'none' || c.history === 'error') loadFirstPage(c);
  else fillViewport(c);
}

function closeConversation() {
  if (!state.active) return;
  saveDraft();
  closeEmojiPanel();
  cancelRecording();
  state.active = null;
  state.openedByPush = false;
  appNode.classList.remove('show-conv');
  dom.conversation.hidden = true;
  dom.conversation.removeAttribute('data-conv');
  dom.welcome.hidden = false;
  renderList();
}

/** Name, avatar and the line under the name: presence, group id, or who is typing. */
function renderHeader(c) {
  dom.convName.textContent = c.name;
  api.avatar(dom.convAvatar, c.name, c.avatar, c.id);
  dom.convAvatar.classList.toggle('avatar-group', c.kind === 'g');
  dom.convSub.className = 'conv-sub';
  const typing = receipts.typingText(c);
  if (typing) {
    dom.convSub.textContent = typing;
    dom.convSub.classList.add('is-typing');
  } else if (c.kind === 'g') {
    dom.convSub.textContent = '群号 / Group ID ' + c.id + (c.desc ? ' · ' + c.desc : '');
  } else if (c.contact) {
    dom.convSub.textContent = c.online ? '在线 / Online' : '离线 / Offline';
    dom.convSub.classList.add(c.online ? 'is-online' : 'is-offline');
  } else {
    dom.convSub.textContent = '不是好友 / Not in your friends list';
  }
}

/** c is on screen: no unread messages, and the others learn it was read. */
function markSeen(c) {
  if (c.unread) {
    c.unread = 0;
    saveUnread();
    refreshListItem(c);
  }
  receipts.markRead(c);
}

function refreshConversation(c) {
  renderList();
  if (state.active === c) renderHeader(c);
}

// ---- frames from the socket ----

function onFrame(frame) {
  switch (frame.Type) {
    case 'msg': onMessage(frame); break;
    case 'ack': outbox.onAck(frame); break;
    case 'typing': case 'delivered': case 'read': receipts.onSignal(frame); break;
    case -1: outbox.onRefused(frame); break;
    default: break; // heartbeats, anything newer than this page
  }
}

/** A message of a conversation: {"Type":"msg","conversation","seq","message"[,"copy":true]}. */
function onMessage(frame) {
  const c = conversationOf(frame.conversation);
  const seq = Number(frame.seq);
  if (!c || !(seq > 0) || !frame.message || typeof frame.message !== 'object') return;
  const copy = frame.copy === true;
  if (!copy) advanceCursor(frame.conversation, seq);
  const m = M.normalize(frame.message);
  const own = m.userId === me.id;
  if (c.kind === 'g' && !c.contact) reloadGroupsSoon();
  if (c.kind === 'u' && !c.contact && !own) reloadFriendsSoon(); // a new friend wrote first
  const known = findKnown(c, m, seq);
  if (known) {
    // The echo of an own group message, or a message met in history before.
    if (own && m.clientMsgId) outbox.confirm(m.clientMsgId, seq);
    if (!(known.seq > 0)) {
      known.seq = seq;
      remember(c, known);
    }
    if (!copy) receipts.received(c);
    return;
  }
  const rec = record(m, own, 'sent', seq);
  appendRecord(c, rec);
  renderList();
  if (!copy) receipts.received(c);
  if (own) return; // sent from another device of mine
  receipts.stoppedTyping(c, m.userId);
  if (isViewing(c)) {
    receipts.markRead(c);
  } else {
    c.unread++;
    saveUnread();
    refreshListItem(c);
  }
}

// ---- connection ----

/** A connection attempt failed before opening: when the session is gone, go to the login page. */
let checkingSession = false;
function onRejected() {
  if (checkingSession) return;
  checkingSession = true;
  api.post('/user/find', { userId: me.id }).then((r) => {
    checkingSession = false;
    expired(r);
  });
}

const socket = new ChatSocket({
  onFrame,
  onText: () => { /* the welcome line */ },
  onState: (socketState, info) => {
    const again = showConnectionState(socketState, info);
    if (socketState !== 'online') return;
    outbox.onOnline();
    receipts.onOnline();
    if (state.active) receipts.markRead(state.active);
    if (again) {
      // Back after a break: presence may have changed; the resumed backlog brings the messages.
      loadFriends();
      loadGroups();
    }
  },
  onRejected
});
outbox.useSocket(socket);
receipts.useSocket(socket);
whenSessionOver(() => socket.stop());
dom.reconnectNow.addEventListener('click', () => socket.reconnectNow());

// ---- wiring ----

state.onConversationChanged = refreshConversation;
whenSelected(selectConversation);
whenContactsChanged(() => { if (state.active) renderHeader(state.active); });
receipts.whenTypingChanged(renderHeader);
watchScroll(loadOlder);

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') {
    if (state.active) markSeen(state.active);
    loadFriends();
  }
});

dom.back.addEventListener('click', () => {
  if (state.openedByPush) {
    history.back(); // hashchange closes the conversation
  } else {
    history.replaceState(null, '', location.pathname + location.search);
    closeConversation();
  }
});

window.addEventListener('hashchange', routeFromHash);

dom.filter.addEventListener('input', renderList);
dom.filter.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter') return;
  const first = dom.list.querySelector('.conv:not([hidden])');
  if (first) first.click();
});

dom.logout.addEventListener('click', () => {
  dom.logout.disabled = true;
  state.leaving = true;
  socket.stop();
  api.post('/user/logout', {}).then(() => { window.location.replace('/index'); });
});

api.dialogs.init({
  me: () => me,
  expired,
  toast,
  friendAdded: (user) => {
    loadFriends().then(() => {
      if (Number(user.ID) > 0) selectConversation('u:' + Number(user.ID));
    });
  },
  groupJoined: (group) => {
    loadGroups().then(() => {
      if (Number(group.ID) > 0) selectConversation('g:' + Number(group.ID));
    });
  },
  profileSaved: (user) => {
    me.name = String(user.Name || me.name);
    me.avatar = user.Avatar || me.avatar;
    me.phone = user.Phone || me.phone;
    me.email = user.Email || me.email;
    renderMe();
  }
});

// ---- start ----

renderMe();
setupComposer();
saveUnread();
loadMe();
socket.start();
loadFriends();
loadGroups();
routeFromHash();
setInterval(() => { if (document.visibilityState === 'visible') loadFriends(); }, FRIENDS_REFRESH_MS);
setInterval(() => { if (document.visibilityState === 'visible') loadGroups(); }, GROUPS_REFRESH_MS);
