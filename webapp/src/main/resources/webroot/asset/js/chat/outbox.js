/*
 * Own messages from "sending…" to stored. Every message gets a clientMsgId; the server acknowledges it
 * once stored durably, and a repeat of the same id is never stored twice, so the outbox may send a
 * message again whenever it is unsure:
 *   - no ack within ACK_TIMEOUT_MS (a frozen database, a connection that died silently): again;
 *   - the connection came back: again (the ack may have been lost with the old one);
 *   - refused with `unavailable`, `rate_limited` or `unknown`: again after a back-off (1, 2, 4, 8 s);
 * and it shows "failed — retry" only when a message has been waiting GIVE_UP_MS (2 minutes) or the
 * server refused it for a reason a repeat cannot cure (not a member, too large, …).
 *
 * One message is in flight at a time (the next goes when the previous is acknowledged): a message
 * refused while the database was away could otherwise be stored after a later one that got through.
 */
import { M, me } from './state.js';
import { record, remember } from './records.js';
import { appendRecord, paintState } from './render.js';
import { refreshListItem, renderList } from './list.js';

const ACK_TIMEOUT_MS = 10000;
const GIVE_UP_MS = 120000;
const BACKOFF_MS = [1000, 2000, 4000, 8000];

const ERROR_TEXT = {
  not_a_member: '你不是这个群的成员 / You are not a member of this group',
  no_such_user: '对方不存在 / This user does not exist',
  no_such_group: '这个群不存在 / This group does not exist',
  too_large: '消息太长 / The message is too long',
  bad_url: '不允许的链接 / This link is not allowed',
  bad_json: '消息格式错误 / Malformed message',
  bad_field: '消息格式错误 / Malformed message',
  unknown_media: '不支持的消息类型 / Unsupported message type',
  unknown_type: '不支持的消息类型 / Unsupported message type',
  missing_target: '没有接收者 / No recipient'
};
const TIMED_OUT = '发送失败 / Failed —'; // followed by the retry button
/**
 * Answers after which the same id is sent again: not stored now (unavailable, rate_limited), or no
 * outcome in time (unknown: perhaps stored — a repeat is then acknowledged as a duplicate).
 */
const TRANSIENT = new Set(['unavailable', 'rate_limited', 'unknown']);

const queue = [];            // { conv, rec } waiting for their ack, oldest first
const byCid = new Map();     // clientMsgId -> { conv, rec } of own messages of this page
let socket = null;
let inFlight = null;         // the queue entry written to the socket and not answered yet
let ackTimer = null;
let backoffTimer = null;
let failures = 0;
let lastCreateTime = 0;
const pageId = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
let counter = 0;

export function useSocket(s) {
  socket = s;
}

/** CreateTime strictly increasing per page (ginchat clients sort by it). */
function nextCreateTime() {
  lastCreateTime = Math.max(Date.now(), lastCreateTime + 1);
  return lastCreateTime;
}

/** Unique per sender: this page's random id and a counter (at most 64 characters). */
function nextClientMsgId() {
  counter++;
  return 'w-' + pageId + '-' + counter;
}

/**
 * Sends a message to c. fields: Media and Content / url / amount. rec, when given, is the placeholder
 * already on screen (an upload) that becomes this message.
 */
export function send(c, fields, rec) {
  const frame = {
    TargetId: c.id, Type: c.kind === 'g' ? 2 : 1, CreateTime: nextCreateTime(), userId: me.id,
    Media: fields.Media, clientMsgId: nextClientMsgId()
  };
  if (fields.Content !== undefined) frame.Content = fields.Content;
  if (fields.url !== undefined) frame.url = fields.url;
  if (fields.amount !== undefined) frame.amount = fields.amount;
  const m = M.normalize(frame);
  if (rec) {
    rec.m = m;
    rec.cid = frame.clientMsgId;
    rec.at = m.createTime;
    remember(c, rec);
    setState(c, rec, 'pending');
  } else {
    rec = record(m, true, 'pending');
    appendRecord(c, rec);
  }
  rec.frame = frame;
  const entry = { conv: c, rec };
  rec.retry = () => enqueue(entry);
  byCid.set(frame.clientMsgId, entry);
  enqueue(entry);
}

function enqueue(entry) {
  entry.rec.since = Date.now();
  setState(entry.conv, entry.rec, 'pending');
  if (queue.indexOf(entry) < 0) queue.push(entry);
  refreshListItem(entry.conv);
  pump();
}

export function setState(c, rec, state, error) {
  rec.state = state;
  rec.error = error || '';
  paintState(c, rec);
}

/** Writes the oldest unacknowledged message when nothing is in flight and no back-off is running. */
function pump() {
  if (inFlight || backoffTimer || !queue.length || !socket || !socket.isOpen()) return;
  const entry = queue[0];
  if (!socket.send(entry.rec.frame)) return;
  inFlight = entry;
  clearTimeout(ackTimer);
  ackTimer = setTimeout(() => {
    // No answer: perhaps the store is frozen, perhaps the frame was lost. The same id again is safe.
    if (inFlight === entry) {
      inFlight = null;
      pump();
    }
  }, ACK_TIMEOUT_MS);
}

function settle(entry) {
  const i = queue.indexOf(entry);
  if (i >= 0) queue.splice(i, 1);
  if (inFlight === entry) {
    inFlight = null;
    clearTimeout(ackTimer);
  }
}

/** The message with this clientMsgId is stored as seq (an ack, or the echo of an own group message). */
export function confirm(cid, seq) {
  const entry = byCid.get(cid);
  if (!entry) return null;
  const { conv, rec } = entry;
  if (seq > 0 && !(rec.seq > 0)) {
    rec.seq = seq;
    remember(conv, rec);
  }
  const wasInFlight = inFlight === entry;
  settle(entry);
  if (rec.state !== 'sent') {
    setState(conv, rec, 'sent');
    refreshListItem(conv);
  }
  if (wasInFlight) failures = 0;
  pump();
  return rec;
}

export function onAck(frame) {
  if (typeof frame.clientMsgId === 'string') confirm(frame.clientMsgId, Number(frame.seq));
}

/** An error frame: an own message refused (it names the clientMsgId), or another frame refused. */
export function onRefused(frame) {
  const m = M.normalize(frame);
  const text = ERROR_TEXT[m.error] || m.msg || m.error || '发送失败 / Not sent';
  const entry = typeof frame.clientMsgId === 'string' ? byCid.get(frame.clientMsgId) : null;
  if (!entry) {
    // Not about a message of this page: a signal (typing, a receipt) refused, cursors the server
    // ignored (bad_resume: a group left meanwhile). Nothing the user could act on.
    if (window.console) console.warn('michat: frame refused', m.error, m.msg);
    return;
  }
  if (entry.rec.state === 'sent') return; // an earlier attempt was stored meanwhile
  if (TRANSIENT.has(m.error)) {
    if (inFlight === entry) {
      inFlight = null;
      clearTimeout(ackTimer);
      const delay = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
      failures++;
      backoffTimer = setTimeout(() => {
        backoffTimer = null;
        pump();
      }, delay);
    }
    return;
  }
  settle(entry);
  entry.rec.retry = null; // the same message would be refused alike
  setState(entry.conv, entry.rec, 'failed', text);
  renderList();
  pump();
}

/** The connection is back: send the oldest unacknowledged message again, without waiting. */
export function onOnline() {
  inFlight = null;
  clearTimeout(ackTimer);
  clearTimeout(backoffTimer);
  backoffTimer = null;
  pump();
}

/** Messages waiting longer than GIVE_UP_MS are shown as failed, with a retry button. */
function expire() {
  const now = Date.now();
  queue.slice().forEach((entry) => {
    if (now - entry.rec.since < GIVE_UP_MS) return;
    settle(entry);
    setState(entry.conv, entry.rec, 'failed', TIMED_OUT);
    refreshListItem(entry.conv);
  });
  pump();
}
setInterval(expire, 1000);
