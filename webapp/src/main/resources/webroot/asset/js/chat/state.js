/*
 * The chat page's shared state: who I am, the page's elements, the conversations and the people met,
 * unread counts (kept in localStorage), the toast and the session check. Other modules read and change
 * this state; they never keep copies of it.
 *
 * A conversation ("u:<userId>" or "g:<groupId>") holds records in display order, oldest first. A record
 * is { m (michat.messages.normalize), own, state, at, seq, cid, node, ... }; see docs/web-client.md.
 */
export const api = window.michat;
export const M = api.messages;
export const el = api.el;

const byId = (id) => document.getElementById(id);

export const appNode = byId('app');

export const me = {
  id: Number(appNode.getAttribute('data-user-id')),
  name: appNode.getAttribute('data-user-name') || '',
  avatar: '', phone: '', email: ''
};

export const dom = {
  meAvatar: byId('me-avatar'), meName: byId('me-name'),
  conn: byId('conn'), connText: byId('conn-text'),
  banner: byId('conn-banner'), bannerText: byId('conn-banner-text'), reconnectNow: byId('reconnect-now'),
  list: byId('conv-list'), listEmpty: byId('list-empty'), filter: byId('filter'),
  welcome: byId('welcome'), conversation: byId('conversation'), back: byId('back'),
  convAvatar: byId('conv-avatar'), convName: byId('conv-name'), convSub: byId('conv-sub'),
  messages: byId('messages'), messageList: byId('message-list'), historyState: byId('history-state'),
  jump: byId('jump'), jumpText: byId('jump-text'),
  form: byId('composer-form'), input: byId('input'),
  emojiButton: byId('emoji-button'), emojiPanel: byId('emoji-panel'),
  emojiGrid: byId('emoji-grid'), stickerGrid: byId('sticker-grid'),
  tabEmoji: byId('tab-emoji'), tabStickers: byId('tab-stickers'),
  imageButton: byId('image-button'), imageInput: byId('image-input'),
  voiceButton: byId('voice-button'), recorder: byId('recorder'), recTime: byId('rec-time'),
  recCancel: byId('rec-cancel'), recSend: byId('rec-send'),
  lightbox: byId('lightbox'), lightboxImg: byId('lightbox-img'),
  toast: byId('toast'), logout: byId('logout')
};

/** Mutable page state shared by the modules. */
export const state = {
  convs: new Map(),        // "u:12" / "g:3" -> conversation
  active: null,            // the open conversation
  openedByPush: false,     // the open conversation added a history entry (phone back button)
  friendsLoaded: false,
  groupsLoaded: false,
  leaving: false,
  /** Set by main.js: called when a conversation's name or avatar became known. */
  onConversationChanged: () => {}
};

const users = new Map();   // userId -> { Name, Avatar } looked up with /user/find
const lookups = new Map(); // userId -> Promise of that lookup

// ---- unread counts ----

const unreadStore = 'michat:unread:' + me.id;
const savedUnread = readUnread();

function readUnread() {
  try { return JSON.parse(localStorage.getItem(unreadStore) || '{}') || {}; } catch (e) { return {}; }
}

export function saveUnread() {
  const out = {};
  let total = 0;
  // Counts of conversations this page has not met yet (the lists are still loading) are kept.
  Object.keys(savedUnread).forEach((key) => {
    const n = Number(savedUnread[key]);
    if (!state.convs.has(key) && n > 0) {
      out[key] = n;
      total += n;
    }
  });
  state.convs.forEach((c) => {
    if (c.unread > 0) {
      out[c.key] = c.unread;
      total += c.unread;
    }
  });
  try { localStorage.setItem(unreadStore, JSON.stringify(out)); } catch (e) { /* private mode */ }
  document.title = (total ? '(' + total + ') ' : '') + 'michat';
}

// ---- conversations ----

export function conversation(kind, id) {
  const key = kind + ':' + id;
  let c = state.convs.get(key);
  if (c) return c;
  c = {
    key, kind, id,
    name: (kind === 'g' ? '群 #' : '用户 #') + id, avatar: '', desc: '', online: false,
    contact: false, named: false,
    records: [],
    ids: new Map(),          // identities (see identities()) -> record: nothing is shown twice
    unread: Number(savedUnread[key]) || 0,
    history: 'none',         // none | loading | partial | done | error
    previewLoaded: false, item: null,
    lastSeq: 0,              // highest seq of this conversation on screen (received or acknowledged)
    readSent: 0,             // highest seq this page told the others it has read
    peers: new Map()         // userId -> { delivered, read } receipts of the others
  };
  state.convs.set(key, c);
  if (kind === 'u') {
    // Someone who is not (yet) in the friends list (loadFriends marks friends right after creating
    // their conversation, before this runs): find out who they are.
    Promise.resolve().then(() => (c.contact || c.named ? null : lookupUser(id))).then((u) => {
      if (u && !c.contact) {
        c.name = String(u.Name || c.name);
        c.avatar = u.Avatar || '';
        c.named = true;
        state.onConversationChanged(c);
      }
    });
  }
  return c;
}

export function parseKey(key) {
  const match = /^(u|g):(\d{1,15})$/.exec(key || '');
  return match ? { kind: match[1], id: Number(match[2]) } : null;
}

/** The server's conversation id ("p:<low>:<high>" / "g:<id>") of a conversation of this page. */
export function serverConversation(c) {
  if (c.kind === 'g') return 'g:' + c.id;
  return 'p:' + Math.min(c.id, me.id) + ':' + Math.max(c.id, me.id);
}

/** This page's conversation for a server conversation id, or null when it is not one of mine. */
export function conversationOf(serverId) {
  const g = /^g:(\d{1,18})$/.exec(serverId || '');
  if (g) return conversation('g', Number(g[1]));
  const p = /^p:(\d{1,18}):(\d{1,18})$/.exec(serverId || '');
  if (!p) return null;
  const a = Number(p[1]);
  const b = Number(p[2]);
  if (a !== me.id && b !== me.id) return null;
  return conversation('u', a === me.id ? b : a);
}

// ---- small UI helpers ----

let toastTimer = null;

export function toast(text, kind) {
  dom.toast.textContent = text;
  dom.toast.className = 'toast toast-' + (kind || 'info');
  dom.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { dom.toast.hidden = true; }, 3500);
}

/** Set by main.js: stops the socket when the session is over. */
let onSessionOver = () => {};
export function whenSessionOver(callback) { onSessionOver = callback; }

/** A 401 means the session expired or was revoked: back to the login page. */
export function expired(r) {
  if (!r || r.status !== 401) return false;
  if (!state.leaving) {
    state.leaving = true;
    toast('登录已过期，请重新登录 / Your session has ended, please sign in again', 'error');
    onSessionOver();
    setTimeout(() => { window.location.assign('/index'); }, 1200);
  }
  return true;
}

export function isNarrow() {
  return window.matchMedia('(max-width: 760px)').matches;
}

export function isViewing(c) {
  return state.active === c && document.visibilityState === 'visible';
}

// ---- people ----

export function lookupUser(id) {
  if (id === me.id) return Promise.resolve({ ID: me.id, Name: me.name, Avatar: me.avatar });
  if (users.has(id)) return Promise.resolve(users.get(id));
  if (!lookups.has(id)) {
    lookups.set(id, api.post('/user/find', { userId: id }).then((r) => {
      if (expired(r)) return null;
      if (!r.ok || !r.data) {
        setTimeout(() => { lookups.delete(id); }, 30000); // try again later, not at once
        return null;
      }
      users.set(id, { Name: String(r.data.Name || ''), Avatar: r.data.Avatar || '' });
      return users.get(id);
    }));
  }
  return lookups.get(id);
}

/** Name and avatar of a user when known now (self, a friend, or looked up before); else null. */
export function knownUser(id) {
  if (id === me.id) return { Name: me.name, Avatar: me.avatar };
  const friend = state.convs.get('u:' + id);
  if (friend && (friend.contact || friend.named)) return { Name: friend.name, Avatar: friend.avatar };
  return users.get(id) || null;
}
