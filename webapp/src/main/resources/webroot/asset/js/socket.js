/*
 * The chat WebSocket (docs/protocol.md) as the browser client uses it: one connection to /chat on the
 * page's own host (the HttpOnly session cookie authenticates the upgrade, so no token is in the URL),
 * a heartbeat every 10 s, and automatic reconnection with exponential back-off and jitter.
 *
 * States reported through onState(state, info):
 *   'connecting'   a connection attempt is under way        info.attempt
 *   'online'       open: frames flow
 *   'reconnecting' waiting before the next attempt           info.at (ms epoch of the attempt), info.code
 *   'offline'      the browser says it has no network; retried as soon as it has
 *
 * Exposed as michat.ChatSocket.
 */
(function () {
  'use strict';

  var HEARTBEAT_MS = 10000;
  var FIRST_DELAY_MS = 500;
  var MAX_DELAY_MS = 10000;
  /** The connection must stay up this long before the back-off starts again from the first delay. */
  var STABLE_MS = 5000;

  /**
   * options: userId, onMessage(object), onText(string), onState(state, info),
   *          onRejected() — called when an attempt fails before opening (e.g. an expired session: the
   *          upgrade is refused with 401, which a browser cannot see), so the page can check its session.
   */
  function ChatSocket(options) {
    this.options = options;
    this.ws = null;
    this.state = 'idle';
    this.attempt = 0;
    this.retryTimer = null;
    this.heartbeatTimer = null;
    this.openedAt = 0;
    this.stopped = false;
    var self = this;
    window.addEventListener('online', function () { self.reconnectNow(); });
    window.addEventListener('offline', function () {
      if (!self.ws) self.setState('offline', {});
    });
    // Background tabs may have their timers throttled; coming back, do not wait out a long delay.
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible' && self.state === 'reconnecting') self.reconnectNow();
    });
    window.addEventListener('pagehide', function () { self.stop(); });
    window.addEventListener('pageshow', function (event) {
      if (event.persisted) self.start(); // restored from the back/forward cache
    });
  }

  ChatSocket.prototype.url = function () {
    // backlog=1: what arrived while offline is pushed on connect (the conversation list shows it unread).
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat?backlog=1';
  };

  ChatSocket.prototype.start = function () {
    this.stopped = false;
    this.connect();
  };

  ChatSocket.prototype.stop = function () {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    if (this.ws) {
      try { this.ws.close(1000, 'bye'); } catch (e) { /* already closing */ }
      this.ws = null;
    }
  };

  ChatSocket.prototype.isOpen = function () {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  };

  /** Sends a frame when the socket is open; returns false (nothing sent) otherwise. */
  ChatSocket.prototype.send = function (frame) {
    if (!this.isOpen()) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch (e) {
      return false;
    }
  };

  /** Skips the remaining back-off (the "retry now" button, the network coming back). */
  ChatSocket.prototype.reconnectNow = function () {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.connect();
  };

  ChatSocket.prototype.setState = function (state, info) {
    this.state = state;
    if (this.options.onState) this.options.onState(state, info || {});
  };

  ChatSocket.prototype.connect = function () {
    var self = this;
    if (self.stopped) return;
    if (navigator.onLine === false) {
      self.setState('offline', {});
      return;
    }
    self.attempt++;
    self.setState('connecting', { attempt: self.attempt });
    var opened = false;
    var ws;
    try {
      ws = new WebSocket(self.url());
    } catch (e) {
      self.scheduleRetry(null);
      return;
    }
    self.ws = ws;

    ws.onopen = function () {
      opened = true;
      self.openedAt = Date.now();
      self.startHeartbeat();
      self.setState('online', {});
    };

    ws.onmessage = function (event) {
      if (typeof event.data !== 'string') return;
      var text = event.data;
      // The seed's rule: a frame without '}' is plain text (the welcome line), not JSON.
      if (text.indexOf('}') < 0) {
        if (self.options.onText) self.options.onText(text);
        return;
      }
      var frame;
      try {
        frame = JSON.parse(text);
      } catch (e) {
        if (self.options.onText) self.options.onText(text);
        return;
      }
      if (frame && typeof frame === 'object' && self.options.onMessage) self.options.onMessage(frame);
    };

    ws.onerror = function () { /* onclose follows and decides */ };

    ws.onclose = function (event) {
      if (self.ws !== ws) return;
      self.ws = null;
      self.stopHeartbeat();
      if (self.stopped) return;
      // A connection that stayed up for a while starts the back-off afresh.
      if (opened && Date.now() - self.openedAt >= STABLE_MS) self.attempt = 0;
      if (!opened && self.options.onRejected) self.options.onRejected();
      if (navigator.onLine === false) {
        self.setState('offline', { code: event.code });
        return;
      }
      self.scheduleRetry(event.code);
    };
  };

  /** 0.5 s, 1 s, 2 s, 4 s, 8 s, 10 s, 10 s … each ±25 % so that clients do not return in lockstep. */
  ChatSocket.prototype.scheduleRetry = function (code) {
    var self = this;
    var base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * Math.pow(2, Math.max(0, self.attempt - 1)));
    var delay = Math.round(base * (0.75 + Math.random() * 0.5));
    clearTimeout(self.retryTimer);
    self.retryTimer = setTimeout(function () { self.connect(); }, delay);
    self.setState('reconnecting', { at: Date.now() + delay, delay: delay, code: code });
  };

  ChatSocket.prototype.startHeartbeat = function () {
    var self = this;
    self.stopHeartbeat();
    self.heartbeatTimer = setInterval(function () {
      self.send({
        TargetId: 0, Type: 3, CreateTime: Date.now(), userId: self.options.userId, Media: -1, Content: '心跳'
      });
    }, HEARTBEAT_MS);
  };

  ChatSocket.prototype.stopHeartbeat = function () {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  };

  window.michat.ChatSocket = ChatSocket;
})();
