/*
 * Receipts and typing (protocol v2 signals, never stored):
 *   delivered  sent for a conversation's newest received message at most once a second (cumulative);
 *              it is also the acknowledgement that moves the server's saved cursor;
 *   read       sent when the conversation is on screen (open, tab visible) and has news;
 *   typing     sent while typing, at most every TYPING_EVERY_MS per conversation.
 * Those of the others become ticks under own messages and "typing…" in the conversation's header.
 */
import { me, state, knownUser, isViewing, conversationOf, serverConversation } from './state.js';
import { cursorOf } from './connection.js';
import { paintAllTicks } from './render.js';

const DELIVERED_EVERY_MS = 1000;
const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 5000;

let socket = null;
const deliveredDue = new Set();       // server conversation ids with news to acknowledge
const deliveredSent = new Map();      // server conversation id -> seq acknowledged
const typingSent = new Map();         // conversation key -> when typing was last sent
const typingShown = new Map();        // conversation key -> { names: Map(userId -> until), timer }

export function useSocket(s) {
  socket = s;
}

/** A msg frame of c arrived (not an own copy): acknowledge it soon. */
export function received(c) {
  deliveredDue.add(serverConversation(c));
}

function flushDelivered() {
  if (!socket || !socket.isOpen()) return;
  deliveredDue.forEach((conversation) => {
    const seq = cursorOf(conversation);
    if (seq > (deliveredSent.get(conversation) || 0)) {
      if (!socket.send({ Type: 'delivered', conversation, seq })) return;
      deliveredSent.set(conversation, seq);
    }
    deliveredDue.delete(conversation);
  });
}
setInterval(flushDelivered, DELIVERED_EVERY_MS);
window.addEventListener('pagehide', flushDelivered);

/** After a reconnection, every conversation acknowledged before is acknowledged again if it moved. */
export function onOnline() {
  deliveredSent.forEach((seq, conversation) => { if (cursorOf(conversation) > seq) deliveredDue.add(conversation); });
}

/** c is on screen: tell the others how far it has been read. */
export function markRead(c) {
  if (!isViewing(c) || !(c.lastSeq > c.readSent) || !socket || !socket.isOpen()) return;
  if (socket.send({ Type: 'read', conversation: serverConversation(c), seq: c.lastSeq })) c.readSent = c.lastSeq;
}

/** The composer's text changed in c. */
export function typing(c) {
  const now = Date.now();
  if (now - (typingSent.get(c.key) || 0) < TYPING_EVERY_MS || !socket || !socket.isOpen()) return;
  typingSent.set(c.key, now);
  const frame = { Type: 'typing', TargetId: c.id };
  if (c.kind === 'g') frame.targetType = 2;
  socket.send(frame);
}

/** Someone's message arrived: they are no longer typing. */
export function stoppedTyping(c, userId) {
  const shown = typingShown.get(c.key);
  if (shown && shown.names.delete(userId)) paintTyping(c);
}

/** A typing, delivered or read frame of another participant. */
export function onSignal(frame) {
  const userId = Number(frame.userId);
  const c = conversationOf(frame.conversation);
  if (!c || !(userId > 0) || userId === me.id) return;
  if (frame.Type === 'typing') {
    let shown = typingShown.get(c.key);
    if (!shown) typingShown.set(c.key, shown = { names: new Map(), timer: null });
    shown.names.set(userId, Date.now() + TYPING_SHOWN_MS);
    clearTimeout(shown.timer);
    shown.timer = setTimeout(() => paintTyping(c), TYPING_SHOWN_MS + 50);
    paintTyping(c);
    return;
  }
  const seq = Number(frame.seq);
  if (!(seq > 0)) return;
  const peer = c.peers.get(userId) || { delivered: 0, read: 0 };
  if (frame.Type === 'delivered') peer.delivered = Math.max(peer.delivered, seq);
  if (frame.Type === 'read') peer.read = Math.max(peer.read, seq);
  c.peers.set(userId, peer);
  paintAllTicks(c);
}

/** Who is typing in c now, as header text ('' when nobody). */
export function typingText(c) {
  const shown = typingShown.get(c.key);
  if (!shown) return '';
  const now = Date.now();
  shown.names.forEach((until, id) => { if (until < now) shown.names.delete(id); });
  if (!shown.names.size) return '';
  if (c.kind === 'u') return '正在输入… / typing…';
  const names = Array.from(shown.names.keys()).map((id) => {
    const u = knownUser(id);
    return u ? u.Name : '#' + id;
  });
  return names.join(', ') + ' 正在输入… / typing…';
}

/** Set by main.js: repaints the header of the open conversation. */
let onTypingChanged = () => {};
export function whenTypingChanged(callback) { onTypingChanged = callback; }

function paintTyping(c) {
  if (state.active === c) onTypingChanged(c);
}
