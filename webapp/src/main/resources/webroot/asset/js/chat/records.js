/*
 * What makes a message the same message, so that nothing is shown twice. A record is known by
 *   "s:<seq>"                 its place in the conversation (msg frames and acks carry it);
 *   "c:<sender>:<clientMsgId>" the sender's id for it (unique per sender: the server refuses repeats),
 *                             carried by live frames and history rows alike;
 *   "t:<sender>:<CreateTime>" only for messages without a clientMsgId (sent by v1/ginchat clients):
 *                             history rows carry no seq, so this is how such a row finds the live copy.
 * The socket itself never repeats a message (resume with cursors), so these identities only join what
 * reaches the page by different roads: history and live frames, an own message and its echo or copy.
 */

export function record(m, own, state, seq) {
  return {
    m, own, state, seq: seq > 0 ? seq : 0, cid: m.clientMsgId || '',
    at: m.createTime || Date.now(), node: null, error: ''
  };
}

function identities(rec) {
  const out = [];
  if (rec.seq > 0) out.push('s:' + rec.seq);
  if (rec.cid) out.push('c:' + rec.m.userId + ':' + rec.cid);
  else if (rec.m.createTime) out.push('t:' + rec.m.userId + ':' + rec.m.createTime);
  return out;
}

/** Registers every identity of rec in its conversation (again after rec learned its seq). */
export function remember(c, rec) {
  identities(rec).forEach((id) => { if (!c.ids.has(id)) c.ids.set(id, rec); });
  if (rec.seq > c.lastSeq) c.lastSeq = rec.seq;
}

/** The record of c this message (with seq when known, else 0) already is, or null. */
export function findKnown(c, m, seq) {
  if (seq > 0 && c.ids.has('s:' + seq)) return c.ids.get('s:' + seq);
  if (m.clientMsgId) return c.ids.get('c:' + m.userId + ':' + m.clientMsgId) || null;
  if (m.createTime) return c.ids.get('t:' + m.userId + ':' + m.createTime) || null;
  return null;
}
