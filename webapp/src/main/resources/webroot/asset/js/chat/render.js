/*
 * The open conversation's messages on screen: the list with day dividers and grouped runs of one
 * sender, keeping the scroll position (or following the bottom), each own message's state (sending…,
 * uploading, failed — retry) and its receipt ticks, the history state line and the picture lightbox.
 */
import { api, M, el, dom, state, knownUser, lookupUser, me } from './state.js';
import { remember } from './records.js';
import { refreshListItem } from './list.js';

const NEAR_BOTTOM_PX = 80;

let stickToBottom = true;
let jumpCount = 0;

export function isStuckToBottom() {
  return stickToBottom;
}

function nodeFor(c, rec) {
  if (!rec.node) {
    const sender = rec.own ? null : knownUser(rec.m.userId);
    rec.node = M.messageNode(rec, {
      own: rec.own,
      group: c.kind === 'g',
      senderName: sender ? sender.Name : (c.kind === 'u' ? c.name : '#' + rec.m.userId),
      senderAvatar: sender ? sender.Avatar : (c.kind === 'u' ? c.avatar : ''),
      hooks: { onImage: openLightbox, onLoad: onMediaLoaded }
    });
    if (rec.own) rec.node.querySelector('.msg-meta').appendChild(el('span', 'msg-ticks'));
    if (!rec.own && !sender) resolveSender(rec.m.userId);
    paintState(c, rec);
  }
  return rec.node;
}

/** Fills in the name and avatar of a sender on every shown message of theirs, once known. */
function resolveSender(id) {
  lookupUser(id).then((u) => {
    if (!u) return;
    dom.messageList.querySelectorAll('[data-sender="' + id + '"]').forEach((node) => {
      if (node.classList.contains('msg-sender')) node.textContent = u.Name;
      else api.avatar(node, u.Name, u.Avatar, id);
    });
    state.convs.forEach((c) => { if (c.kind === 'g') refreshListItem(c); });
  });
}

/** Consecutive messages of one sender within 3 minutes share one avatar and name. */
function isContinuation(prev, rec) {
  return !!prev && prev.m.userId === rec.m.userId && prev.own === rec.own &&
    M.dayKey(prev.at) === M.dayKey(rec.at) && rec.at - prev.at < 180000 && rec.at >= prev.at;
}

/** Redraws c's messages; mode 'bottom' scrolls to the newest, 'keep' keeps what is in view. */
export function renderMessages(c, mode) {
  const box = dom.messages;
  const fromBottom = box.scrollHeight - box.scrollTop;
  const list = dom.messageList;
  while (list.firstChild) list.removeChild(list.firstChild);
  let lastDay = null;
  let prev = null;
  c.records.forEach((rec) => {
    const day = M.dayKey(rec.at);
    if (day !== lastDay) {
      list.appendChild(M.dayDivider(rec.at));
      lastDay = day;
      prev = null;
    }
    const node = nodeFor(c, rec);
    const cont = isContinuation(prev, rec);
    node.classList.toggle('msg-cont', cont);
    node.classList.remove('msg-has-next');
    if (prev) prev.node.classList.toggle('msg-has-next', cont);
    list.appendChild(node);
    prev = rec;
  });
  showHistoryState(c);
  if (mode === 'bottom' || stickToBottom) scrollToBottom();
  else box.scrollTop = box.scrollHeight - fromBottom;
}

/** Adds rec as c's newest message (live or own). */
export function appendRecord(c, rec) {
  c.records.push(rec);
  remember(c, rec);
  if (state.active === c) {
    const prev = c.records.length > 1 ? c.records[c.records.length - 2] : null;
    if (!prev || M.dayKey(prev.at) !== M.dayKey(rec.at)) dom.messageList.appendChild(M.dayDivider(rec.at));
    const node = nodeFor(c, rec);
    const cont = isContinuation(prev, rec);
    node.classList.toggle('msg-cont', cont);
    node.classList.remove('msg-has-next');
    if (prev && prev.node) prev.node.classList.toggle('msg-has-next', cont);
    dom.messageList.appendChild(node);
    if (rec.own || stickToBottom) {
      scrollToBottom();
    } else {
      jumpCount++;
      dom.jumpText.textContent = jumpCount + ' 条新消息 / new';
      dom.jump.hidden = false;
    }
    if (c.history === 'done') showHistoryState(c);
  }
}

export function scrollToBottom() {
  dom.messages.scrollTop = dom.messages.scrollHeight;
  stickToBottom = true;
  jumpCount = 0;
  dom.jump.hidden = true;
}

export function resetJump() {
  jumpCount = 0;
  dom.jump.hidden = true;
}

function onMediaLoaded() {
  if (stickToBottom) dom.messages.scrollTop = dom.messages.scrollHeight;
}

/** onScrolledToTop: called when the reader nears the top (to load older messages). */
export function watchScroll(onScrolledToTop) {
  dom.messages.addEventListener('scroll', () => {
    const box = dom.messages;
    stickToBottom = box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_BOTTOM_PX;
    if (stickToBottom) resetJump();
    if (state.active && box.scrollTop < 120) onScrolledToTop(state.active);
  }, { passive: true });
  dom.jump.addEventListener('click', scrollToBottom);
}

/**
 * Shows a record's delivery state: sending…, uploading n %, or the error with a retry button; for a
 * stored own message, its ticks: ✓ stored, ✓✓ delivered to (one of) the others, ✓✓ coloured read.
 */
export function paintState(c, rec) {
  const node = rec.node;
  if (!node) return;
  node.setAttribute('data-state', rec.state);
  const status = node.querySelector('.msg-status');
  status.textContent = '';
  if (rec.state === 'pending') status.textContent = '发送中… / Sending…';
  if (rec.state === 'uploading') status.textContent = '上传中 / Uploading ' + Math.round((rec.progress || 0) * 100) + '%';
  const oldError = node.querySelector('.msg-error');
  if (oldError) oldError.parentNode.removeChild(oldError);
  if (rec.state === 'failed') {
    const error = el('p', 'msg-error');
    error.appendChild(api.icon('alert'));
    error.appendChild(el('span', 'msg-error-text', rec.error || '发送失败 / Not sent'));
    if (rec.retry) {
      const retry = el('button', 'link-btn msg-retry', '重试 / Retry');
      retry.type = 'button';
      retry.addEventListener('click', () => { rec.retry(); });
      error.appendChild(retry);
    }
    node.querySelector('.msg-body').appendChild(error);
  }
  paintTicks(c, rec);
  // A status line that appeared under the newest message must not push it out of view.
  if (state.active === c && stickToBottom) dom.messages.scrollTop = dom.messages.scrollHeight;
}

const RECEIPT_TEXT = {
  stored: ['✓', '已发送 / Sent'],
  delivered: ['✓✓', '已送达 / Delivered'],
  read: ['✓✓', '已读 / Read']
};

/** The receipt of an own stored message: how far the others got, from their delivered/read signals. */
function receiptOf(c, rec) {
  if (!rec.own || rec.state !== 'sent' || !(rec.seq > 0)) return '';
  let receipt = 'stored';
  c.peers.forEach((p, userId) => {
    if (userId === me.id) return;
    if (p.read >= rec.seq) receipt = 'read';
    else if (p.delivered >= rec.seq && receipt !== 'read') receipt = 'delivered';
  });
  return receipt;
}

function paintTicks(c, rec) {
  const ticks = rec.node && rec.node.querySelector('.msg-ticks');
  if (!ticks) return;
  const receipt = receiptOf(c, rec);
  if (receipt) rec.node.setAttribute('data-receipt', receipt);
  else rec.node.removeAttribute('data-receipt');
  ticks.textContent = receipt ? RECEIPT_TEXT[receipt][0] : '';
  ticks.title = receipt ? RECEIPT_TEXT[receipt][1] : '';
}

/** Repaints the ticks of c's own messages (after a receipt arrived). */
export function paintAllTicks(c) {
  if (state.active !== c) return;
  c.records.forEach((rec) => { if (rec.own) paintTicks(c, rec); });
}

export function showHistoryState(c) {
  if (state.active !== c) return;
  const node = dom.historyState;
  node.setAttribute('data-state', c.history);
  node.textContent = {
    none: '', loading: '加载中… / Loading…',
    partial: '↑ 向上滚动加载更早的消息 / Scroll up for older messages',
    done: c.records.length ? '没有更早的消息了 / Beginning of the conversation' : '还没有消息，打个招呼吧 / No messages yet — say hello',
    error: '历史消息加载失败 / Could not load the history'
  }[c.history] || '';
}

function openLightbox(src) {
  dom.lightboxImg.src = src;
  if (!dom.lightbox.open) dom.lightbox.showModal();
}
dom.lightbox.addEventListener('click', () => { dom.lightbox.close(); });
