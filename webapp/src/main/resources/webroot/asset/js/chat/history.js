/*
 * History: POST /user/redisMsg or /user/redisGroupMsg, newest first, PAGE at a time; scrolling to the
 * top loads the next page; the newest message of every conversation is fetched for the list's
 * previews. Rows already on screen (arrived live, or own) are recognised by records.js and skipped.
 */
import { api, M, me, dom, state, expired } from './state.js';
import { record, remember, findKnown } from './records.js';
import { renderMessages, showHistoryState, isStuckToBottom, scrollToBottom } from './render.js';
import { refreshListItem, renderList } from './list.js';

const PAGE = 20;

function fetchPage(c, start, end) {
  const request = c.kind === 'g'
    ? api.post('/user/redisGroupMsg', { groupId: c.id, start, end, isRev: false })
    : api.post('/user/redisMsg', { userIdA: me.id, userIdB: c.id, start, end, isRev: false });
  return request.then((r) => {
    if (expired(r) || !r.ok) return null;
    const raw = r.json && Array.isArray(r.json.Total) ? r.json.Total : [];
    const messages = [];
    for (let i = raw.length - 1; i >= 0; i--) { // newest first -> oldest first
      let frame = raw[i];
      if (typeof frame === 'string') {
        try { frame = JSON.parse(frame); } catch (e) { frame = null; }
      }
      if (frame && typeof frame === 'object') messages.push(M.normalize(frame));
    }
    return { messages, count: raw.length };
  });
}

/** Number of messages of c the server has stored that this page knows: where the next page starts. */
function storedCount(c) {
  return c.records.filter((rec) => rec.state === 'sent').length;
}

/**
 * Merges history rows (oldest first) into c: new ones go before the first message they precede in the
 * page that is already known (so an older page lands on top, and a page overlapping live messages
 * keeps the server's order); known ones are skipped. Returns the number added.
 */
function merge(c, messages) {
  let at = 0;
  let added = 0;
  messages.forEach((m) => {
    const known = findKnown(c, m, 0);
    if (known) {
      at = c.records.indexOf(known) + 1;
      return;
    }
    const rec = record(m, m.userId === me.id, 'sent');
    c.records.splice(at, 0, rec);
    remember(c, rec);
    at++;
    added++;
  });
  if (added) {
    if (state.active === c) renderMessages(c, 'keep');
    refreshListItem(c);
    renderList();
  }
  return added;
}

export function loadFirstPage(c) {
  c.history = 'loading';
  showHistoryState(c);
  fetchPage(c, 0, PAGE - 1).then((page) => {
    if (!page) {
      c.history = 'error';
      showHistoryState(c);
      return;
    }
    c.history = page.count < PAGE ? 'done' : 'partial';
    const wasAtBottom = state.active === c && isStuckToBottom();
    merge(c, page.messages);
    if (state.active === c) {
      showHistoryState(c);
      if (wasAtBottom) scrollToBottom();
      fillViewport(c);
    }
  });
}

export function loadOlder(c) {
  if (c.history !== 'partial') return;
  const start = storedCount(c);
  c.history = 'loading';
  showHistoryState(c);
  fetchPage(c, start, start + PAGE - 1).then((page) => {
    if (!page) {
      c.history = 'partial';
      showHistoryState(c);
      return;
    }
    c.history = page.count < PAGE ? 'done' : 'partial';
    merge(c, page.messages);
    if (state.active === c) {
      showHistoryState(c);
      fillViewport(c);
    }
  });
}

/** Loads older pages while the messages do not fill the view (no scrollbar to scroll back with). */
export function fillViewport(c) {
  if (state.active !== c || c.history !== 'partial') return;
  if (dom.messages.scrollHeight <= dom.messages.clientHeight + 40) loadOlder(c);
}

/** The newest message of each conversation, for the list's previews and order (4 requests at a time). */
export function prefetchPreviews() {
  const queue = [];
  state.convs.forEach((c) => {
    if (!c.previewLoaded && c.contact) {
      c.previewLoaded = true;
      if (c.history === 'none') queue.push(c);
    }
  });
  let running = 0;
  const next = () => {
    while (running < 4 && queue.length) {
      const c = queue.shift();
      running++;
      fetchPage(c, 0, 0).then((page) => {
        running--;
        if (page) merge(c, page.messages);
        next();
      });
    }
  };
  next();
}
