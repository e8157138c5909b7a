/*
 * Chat messages: reading frames (keys in any case, as the protocol allows) and the DOM of a message.
 * Every user-provided string becomes a text node; the only URLs used as sources are those
 * michat.safeUrl accepts.
 *
 * Exposed as michat.messages.
 */
(function () {
  'use strict';
  var api = window.michat;
  var el = api.el;

  var MEDIA_TEXT = 1;
  var MEDIA_STICKER = 2;
  var MEDIA_VOICE = 3;
  var MEDIA_IMAGE = 4;

  function lowerKeys(frame) {
    var out = {};
    Object.keys(frame).forEach(function (k) {
      var lk = k.toLowerCase();
      if (!(lk in out)) out[lk] = frame[k];
    });
    return out;
  }

  function num(v) {
    if (v === null || v === undefined || v === '') return NaN;
    var n = Number(v);
    return isFinite(n) ? n : NaN;
  }

  /** The fields the client uses, from a frame as sent or stored (keys matched case-insensitively). */
  function normalize(frame) {
    var f = lowerKeys(frame);
    var created = num(f.createtime);
    if (created > 0 && created < 1e11) created *= 1000; // seconds, from an old client
    return {
      type: num(f.type),
      targetId: num(f.targetid),
      userId: num(f.userid),
      media: num(f.media),
      content: f.content === null || f.content === undefined ? '' : String(f.content),
      url: typeof f.url === 'string' ? f.url : '',
      amount: num(f.amount),
      createTime: created > 0 ? created : null,
      error: f.error === undefined ? null : String(f.error),
      msg: f.msg === undefined ? '' : String(f.msg),
      ref: num(f.ref),
      clientMsgId: typeof f.clientmsgid === 'string' ? f.clientmsgid : ''
    };
  }

  // ---- time ----

  function dayKey(ms) {
    var d = new Date(ms);
    return d.getFullYear() + '-' + d.getMonth() + '-' + d.getDate();
  }

  function timeOfDay(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function daysAgo(ms) {
    var start = new Date();
    start.setHours(0, 0, 0, 0);
    var then = new Date(ms);
    then.setHours(0, 0, 0, 0);
    return Math.round((start - then) / 86400000);
  }

  /** "今天 / Today", "昨天 / Yesterday", or the date in the browser's language. */
  function dayLabel(ms) {
    var ago = daysAgo(ms);
    if (ago === 0) return '今天 / Today';
    if (ago === 1) return '昨天 / Yesterday';
    var sameYear = new Date(ms).getFullYear() === new Date().getFullYear();
    return new Date(ms).toLocaleDateString([], {
      year: sameYear ? undefined : 'numeric', month: 'short', day: 'numeric', weekday: 'short'
    });
  }

  /** Compact time for the conversation list: 14:05, 昨天, Mon, or 3/14. */
  function shortTime(ms) {
    var ago = daysAgo(ms);
    if (ago === 0) return timeOfDay(ms);
    if (ago === 1) return '昨天';
    if (ago > 1 && ago < 7) return new Date(ms).toLocaleDateString([], { weekday: 'short' });
    return new Date(ms).toLocaleDateString([], { month: 'numeric', day: 'numeric' });
  }

  function fullTime(ms) {
    return new Date(ms).toLocaleString();
  }

  // ---- previews ----

  /** One line for the conversation list. */
  function preview(m) {
    switch (m.media) {
      case MEDIA_STICKER: return '[表情 / Sticker]';
      case MEDIA_VOICE: return '[语音 / Voice' + (m.amount > 0 ? ' ' + Math.round(m.amount) + '″' : '') + ']';
      case MEDIA_IMAGE: return '[图片 / Image]';
      default: return m.content.replace(/\s+/g, ' ').trim().slice(0, 80);
    }
  }

  // ---- DOM ----

  var URL_PATTERN = /https?:\/\/[^\s<>"'\u3000-\u303f\uff00-\uffef]+/gi;

  /** Text with http(s) links made clickable; everything else stays a text node. */
  function linkify(parent, text) {
    var last = 0;
    var match;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:!?)\]}]+$/, '');
      if (!url) continue;
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = document.createElement('a');
      a.href = url;
      a.textContent = url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer nofollow';
      parent.appendChild(a);
      last = match.index + url.length;
      URL_PATTERN.lastIndex = last;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** The voice clip playing now (one at a time). */
  var playing = null;

  function stopPlaying() {
    if (!playing) return;
    playing.audio.pause();
    playing.button.classList.remove('is-playing');
    playing.button.replaceChild(api.icon('play', 'voice-icon'), playing.button.querySelector('.voice-icon'));
    playing = null;
  }

  function voiceBubble(m, localUrl) {
    var url = localUrl || api.safeUrl(m.url);
    var seconds = m.amount > 0 ? Math.round(m.amount) : 0;
    var button = el('button', 'bubble bubble-voice');
    button.type = 'button';
    button.appendChild(api.icon('play', 'voice-icon'));
    button.appendChild(api.icon('wave', 'voice-wave'));
    button.appendChild(el('span', 'voice-length', seconds ? seconds + '″' : '…'));
    button.setAttribute('aria-label', '语音 / Voice message' + (seconds ? ', ' + seconds + ' s' : ''));
    // Longer clips get a wider bubble, like other chat apps do.
    button.style.minWidth = Math.min(15, 6 + seconds * 0.35).toFixed(1) + 'rem';
    if (!url) {
      button.disabled = true;
      button.title = '无法播放 / Cannot be played';
      return button;
    }
    button.addEventListener('click', function () {
      if (playing && playing.button === button) {
        stopPlaying();
        return;
      }
      stopPlaying();
      var audio = new Audio(url);
      playing = { audio: audio, button: button };
      button.classList.add('is-playing');
      button.replaceChild(api.icon('pause', 'voice-icon'), button.querySelector('.voice-icon'));
      audio.addEventListener('ended', function () {
        if (playing && playing.audio === audio) stopPlaying();
      });
      audio.play().catch(function () {
        if (playing && playing.audio === audio) stopPlaying();
        button.title = '无法播放 / Cannot be played';
      });
    });
    return button;
  }

  /**
   * The bubble for a message. hooks.onImage(url) opens an image large; hooks.onLoad() is called when
   * a picture has loaded (its height changed).
   */
  function bubble(m, hooks, localUrl) {
    if (m.media === MEDIA_IMAGE) {
      var src = localUrl || api.safeUrl(m.url);
      if (!src) return el('div', 'bubble bubble-text bubble-unsupported', '[图片 / Image]');
      var button = el('button', 'bubble bubble-image');
      button.type = 'button';
      button.setAttribute('aria-label', '查看图片 / View image');
      var img = document.createElement('img');
      img.alt = '图片 / Image';
      img.decoding = 'async';
      img.src = src;
      img.addEventListener('load', function () { if (hooks.onLoad) hooks.onLoad(); });
      img.addEventListener('error', function () {
        button.classList.add('is-broken');
        button.textContent = '图片无法加载 / Image unavailable';
      });
      button.appendChild(img);
      button.addEventListener('click', function () { if (hooks.onImage && !button.classList.contains('is-broken')) hooks.onImage(src); });
      return button;
    }
    if (m.media === MEDIA_VOICE) return voiceBubble(m, localUrl);
    if (m.media === MEDIA_STICKER) {
      var sticker = api.emoji && api.emoji.sticker(m.content);
      var stickerUrl = sticker ? sticker.url : api.safeUrl(m.url);
      if (stickerUrl) {
        var box = el('div', 'bubble bubble-sticker');
        var pic = document.createElement('img');
        pic.alt = sticker ? sticker.name : '表情 / Sticker';
        pic.title = pic.alt;
        pic.src = stickerUrl;
        pic.addEventListener('load', function () { if (hooks.onLoad) hooks.onLoad(); });
        box.appendChild(pic);
        return box;
      }
      return el('div', 'bubble bubble-sticker bubble-big-text', m.content || '[表情 / Sticker]');
    }
    var text = el('div', 'bubble bubble-text');
    if (m.media !== MEDIA_TEXT && !m.content) {
      text.textContent = '[不支持的消息 / Unsupported message]';
      text.classList.add('bubble-unsupported');
    } else {
      linkify(text, m.content);
    }
    return text;
  }

  /**
   * A message row. opts: own, group (show the sender's name), senderName, senderAvatar, hooks.
   * Returns the <li>; the parts chat/render.js updates later are found by class.
   */
  function messageNode(rec, opts) {
    var m = rec.m;
    var li = el('li', 'msg ' + (opts.own ? 'msg-out' : 'msg-in'));
    li.setAttribute('data-media', String(m.media));
    if (!opts.own) {
      var avatarNode = el('span', 'avatar msg-avatar');
      avatarNode.setAttribute('data-sender', String(m.userId));
      api.avatar(avatarNode, opts.senderName, opts.senderAvatar, m.userId);
      li.appendChild(avatarNode);
    }
    var body = el('div', 'msg-body');
    if (opts.group && !opts.own) {
      var sender = el('span', 'msg-sender', opts.senderName);
      sender.setAttribute('data-sender', String(m.userId));
      body.appendChild(sender);
    }
    body.appendChild(bubble(m, opts.hooks || {}, rec.localUrl));
    var meta = el('div', 'msg-meta');
    var time = el('time', 'msg-time', timeOfDay(rec.at));
    time.dateTime = new Date(rec.at).toISOString();
    time.title = fullTime(rec.at);
    meta.appendChild(time);
    meta.appendChild(el('span', 'msg-status'));
    body.appendChild(meta);
    li.appendChild(body);
    return li;
  }

  function dayDivider(ms) {
    var li = el('li', 'day-divider');
    li.appendChild(el('span', null, dayLabel(ms)));
    return li;
  }

  api.messages = {
    MEDIA_TEXT: MEDIA_TEXT, MEDIA_STICKER: MEDIA_STICKER, MEDIA_VOICE: MEDIA_VOICE, MEDIA_IMAGE: MEDIA_IMAGE,
    lowerKeys: lowerKeys, normalize: normalize, preview: preview,
    dayKey: dayKey, shortTime: shortTime, messageNode: messageNode, dayDivider: dayDivider, stopPlaying: stopPlaying
  };
})();
