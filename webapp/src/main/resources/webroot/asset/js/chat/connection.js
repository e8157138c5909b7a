/*
 * The chat WebSocket in protocol v2 (docs/protocol.md "Protocol v2"): one connection to
 * /chat?v=2&resume=1 on the page's own host (the HttpOnly session cookie authenticates the upgrade, so
 * no token is in the URL), whose first frame is {"Type":"resume","cursors":{…}} — the seq of the last
 * message this tab received in each conversation — so that every (re)connection brings exactly what
 * the tab lacks, each message once. A heartbeat every 10 s; reconnection with exponential back-off and
 * jitter; the connection state shown in the sidebar and, when down, in a banner.
 *
 * States reported to onState(state, info):
 *   'connecting'   a connection attempt is under way        info.attempt
 *   'online'       open: frames flow
 *   'reconnecting' waiting before the next attempt           info.at (ms epoch of the attempt), info.code
 *   'offline'      the browser says it has no network; retried as soon as it has
 */
import { appNode, dom, me } from './state.js';

const HEARTBEAT_MS = 10000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10000;
/** The connection must stay up this long before the back-off starts again from the first delay. */
const STABLE_MS = 5000;

// ---- cursors ----

/**
 * Server conversation id -> seq of the last msg frame received there (copies of own messages aside).
 * Kept in sessionStorage: a reload of this tab resumes where it was; another tab has its own.
 */
const cursorStore = 'michat:cursors:' + me.id;
const cursors = readCursors();
let cursorsDirty = false;

function readCursors() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(cursorStore) || '{}') || {};
    return new Map(Object.entries(saved).filter(([, v]) => Number.isInteger(v) && v >= 0));
  } catch (e) {
    return new Map();
  }
}

function saveCursors() {
  if (!cursorsDirty) return;
  cursorsDirty = false;
  try { sessionStorage.setItem(cursorStore, JSON.stringify(Object.fromEntries(cursors))); } catch (e) { /* private mode */ }
}
setInterval(saveCursors, 1000);
window.addEventListener('pagehide', saveCursors);

/** Records that the msg frame (conversation, seq) arrived. */
export function advanceCursor(conversation, seq) {
  if (!(seq > (cursors.get(conversation) || 0))) return;
  cursors.set(conversation, seq);
  cursorsDirty = true;
}

export function cursorOf(conversation) {
  return cursors.get(conversation) || 0;
}

// ---- the socket ----

export class ChatSocket {
  /**
   * options: onFrame(object), onText(string), onState(state, info),
   *          onRejected() — an attempt failed before opening (e.g. an expired session: the upgrade is
   *          refused with 401, which a browser cannot see), so the page can check its session.
   */
  constructor(options) {
    this.options = options;
    this.ws = null;
    this.state = 'idle';
    this.attempt = 0;
    this.retryTimer = null;
    this.heartbeatTimer = null;
    this.openedAt = 0;
    this.stopped = false;
    window.addEventListener('online', () => this.reconnectNow());
    window.addEventListener('offline', () => { if (!this.ws) this.setState('offline', {}); });
    // Background tabs may have their timers throttled; coming back, do not wait out a long delay.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.state === 'reconnecting') this.reconnectNow();
    });
    window.addEventListener('pagehide', () => this.stop());
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) this.start(); // restored from the back/forward cache
    });
  }

  url() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat?v=2&resume=1';
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    if (this.ws) {
      try { this.ws.close(1000, 'bye'); } catch (e) { /* already closing */ }
      this.ws = null;
    }
  }

  isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a frame when the socket is open; returns false (nothing sent) otherwise. */
  send(frame) {
    if (!this.isOpen()) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch (e) {
      return false;
    }
  }

  /** Skips the remaining back-off (the "retry now" button, the network coming back). */
  reconnectNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  setState(state, info) {
    this.state = state;
    if (this.options.onState) this.options.onState(state, info || {});
  }

  connect() {
    if (this.stopped) return;
    if (navigator.onLine === false) {
      this.setState('offline', {});
      return;
    }
    this.attempt++;
    this.setState('connecting', { attempt: this.attempt });
    let opened = false;
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (e) {
      this.scheduleRetry(null);
      return;
    }
    this.ws = ws;

    ws.onopen = () => {
      opened = true;
      this.openedAt = Date.now();
      // The resume frame must be the first: the backlog is what follows these cursors.
      saveCursors();
      ws.send(JSON.stringify({ Type: 'resume', cursors: Object.fromEntries(cursors) }));
      this.startHeartbeat();
      this.setState('online', {});
    };

    ws.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const text = event.data;
      // A frame without '}' is plain text (the welcome line), not JSON.
      if (text.indexOf('}') < 0) {
        if (this.options.onText) this.options.onText(text);
        return;
      }
      let frame;
      try {
        frame = JSON.parse(text);
      } catch (e) {
        if (this.options.onText) this.options.onText(text);
        return;
      }
      if (frame && typeof frame === 'object') this.options.onFrame(frame);
    };

    ws.onerror = () => { /* onclose follows and decides */ };

    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      if (this.stopped) return;
      // A connection that stayed up for a while starts the back-off afresh.
      if (opened && Date.now() - this.openedAt >= STABLE_MS) this.attempt = 0;
      if (!opened && this.options.onRejected) this.options.onRejected();
      if (opened && this.options.onLost) this.options.onLost();
      if (navigator.onLine === false) {
        this.setState('offline', { code: event.code });
        return;
      }
      this.scheduleRetry(event.code);
    };
  }

  /** 0.5 s, 1 s, 2 s, 4 s, 8 s, 10 s, 10 s … each ±25 % so that clients do not return in lockstep. */
  scheduleRetry(code) {
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * Math.pow(2, Math.max(0, this.attempt - 1)));
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.setState('reconnecting', { at: Date.now() + delay, delay, code });
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => {
      this.send({ TargetId: 0, Type: 3, CreateTime: Date.now(), Media: -1, Content: '心跳' });
    }, HEARTBEAT_MS);
  }

  stopHeartbeat() {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}

// ---- the connection state on screen ----

const STATE_TEXT = {
  connecting: '连接中… / Connecting…',
  online: '在线 / Online',
  offline: '离线 / Offline'
};

let countdownTimer = null;
let everOnline = false;

/** Paints the state; returns true when the page comes back online after having been online. */
export function showConnectionState(socketState, info) {
  clearInterval(countdownTimer);
  dom.conn.setAttribute('data-state', socketState);
  appNode.setAttribute('data-conn', socketState);
  const paint = () => {
    const seconds = socketState === 'reconnecting' ? Math.max(0, Math.ceil((info.at - Date.now()) / 1000)) : 0;
    dom.connText.textContent = socketState === 'reconnecting'
      ? seconds + ' 秒后重连 / Retry in ' + seconds + ' s'
      : STATE_TEXT[socketState];
    dom.bannerText.textContent = {
      offline: '网络已断开，恢复后自动重连 / No network — reconnecting when it is back',
      reconnecting: '连接已断开，' + seconds + ' 秒后重连 / Disconnected — reconnecting in ' + seconds + ' s',
      connecting: '正在重新连接… / Reconnecting…'
    }[socketState] || '';
  };
  paint();
  if (socketState === 'reconnecting') countdownTimer = setInterval(paint, 250);
  dom.banner.hidden = socketState === 'online' || (socketState === 'connecting' && !everOnline);
  dom.reconnectNow.hidden = socketState !== 'reconnecting';
  if (socketState !== 'online') return false;
  const again = everOnline;
  everOnline = true;
  return again;
}
