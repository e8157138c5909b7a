/*
 * The chat client (chat.ftl): conversations with friends and groups, history with scroll-back,
 * real-time messages over the chat WebSocket, sending text, emoji, stickers, images and voice,
 * unread counts, and the connection state.
 *
 * Model
 *   A conversation ("u:<userId>" or "g:<groupId>") holds records in display order, oldest first. A
 *   record is { key, m (michat.messages.normalize), own, state, at, node, ... } with state
 *     'sent'       stored by the server (history, received live, or an own private message written to
 *                  the socket — private messages are not echoed)
 *     'pending'    own message waiting for the socket or, in a group, for its echo
 *     'uploading'  own image or voice clip still being uploaded
 *     'failed'     refused by the server (error frame) or not confirmed; can be retried
 *   Every message is keyed (sender + CreateTime + content, see messages.js), and a key is shown once:
 *   history pages, live frames, the catch-up after a reconnect and group echoes all merge into the
 *   same record.
 *
 * History: POST /user/redisMsg or /user/redisGroupMsg, newest first, 20 at a time; scrolling to the
 * top loads the next 20. URL hash "#u:12" / "#g:3" says which conversation is open (so a reload
 * keeps it, and a phone's back button returns to the list).
 */
(function () {
  'use strict';
  var api = window.michat;
  var el = api.el;
  var M = api.messages;

  var PAGE = 20;
  var MAX_CONTENT_BYTES = 4096;
  var ECHO_TIMEOUT_MS = 15000;
  var FRIENDS_REFRESH_MS = 15000;
  var GROUPS_REFRESH_MS = 60000;
  var MAX_VOICE_SECONDS = 60;
  var NEAR_BOTTOM_PX = 80;
  var IMAGE_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/bmp': 'bmp' };

  function byId(id) { return document.getElementById(id); }

  var appNode = byId('app');
  if (!appNode) return;

  var me = {
    id: Number(appNode.getAttribute('data-user-id')),
    name: appNode.getAttribute('data-user-name') || '',
    avatar: '', phone: '', email: ''
  };

  var dom = {
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

  // ---------------------------------------------------------------------------------------------
  // State

  var convs = new Map();          // "u:12" / "g:3" -> conversation
  var active = null;              // the open conversation
  var openedByPush = false;       // the open conversation added a history entry (phone back button)
  var users = new Map();          // userId -> { Name, Avatar } looked up with /user/find
  var lookups = new Map();        // userId -> Promise of that lookup
  var ownByTime = new Map();      // CreateTime of an own frame -> { conv, rec } (error frames say Ref)
  var outbox = [];                // own frames waiting for an open socket
  var drafts = new Map();         // conversation key -> unsent text
  var lastCreateTime = 0;
  var stickToBottom = true;
  var jumpCount = 0;
  var everOnline = false;
  var leaving = false;
  var unreadStore = 'michat:unread:' + me.id;
  var savedUnread = readUnread();

  function readUnread() {
    try { return JSON.parse(localStorage.getItem(unreadStore) || '{}') || {}; } catch (e) { return {}; }
  }

  function saveUnread() {
    var out = {};
    var total = 0;
    // Counts of conversations this page has not met yet (the lists are still loading) are kept.
    Object.keys(savedUnread).forEach(function (key) {
      var n = Number(savedUnread[key]);
      if (!convs.has(key) && n > 0) {
        out[key] = n;
        total += n;
      }
    });
    convs.forEach(function (c) {
      if (c.unread > 0) {
        out[c.key] = c.unread;
        total += c.unread;
      }
    });
    try { localStorage.setItem(unreadStore, JSON.stringify(out)); } catch (e) { /* private mode */ }
    document.title = (total ? '(' + total + ') ' : '') + 'michat';
  }

  function conversation(kind, id) {
    var key = kind + ':' + id;
    var c = convs.get(key);
    if (!c) {
      c = {
        key: key, kind: kind, id: id,
        name: (kind === 'g' ? '群 #' : '用户 #') + id, avatar: '', desc: '', online: false,
        contact: false, named: false,
        records: [], byKey: new Map(),
        unread: Number(savedUnread[key]) || 0,
        history: 'none', // none | loading | partial | done | error
        previewLoaded: false, item: null
      };
      convs.set(key, c);
      if (kind === 'u') {
        // Someone who is not (yet) in the friends list (loadFriends marks friends right after
        // creating their conversation, before this runs): find out who they are.
        Promise.resolve().then(function () {
          if (c.contact || c.named) return null;
          return lookupUser(id);
        }).then(function (u) {
          if (u && !c.contact) {
            c.name = String(u.Name || c.name);
            c.avatar = u.Avatar || '';
            c.named = true;
            refreshConversation(c);
          }
        });
      }
    }
    return c;
  }

  function parseKey(key) {
    var match = /^(u|g):(\d{1,15})$/.exec(key || '');
    return match ? { kind: match[1], id: Number(match[2]) } : null;
  }

  // ---------------------------------------------------------------------------------------------
  // Small UI helpers

  var toastTimer = null;

  function toast(text, kind) {
    dom.toast.textContent = text;
    dom.toast.className = 'toast toast-' + (kind || 'info');
    dom.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { dom.toast.hidden = true; }, 3500);
  }

  /** A 401 means the session expired or was revoked: back to the login page. */
  function expired(r) {
    if (!r || r.status !== 401) return false;
    if (!leaving) {
      leaving = true;
      toast('登录已过期，请重新登录 / Your session has ended, please sign in again', 'error');
      if (socket) socket.stop();
      setTimeout(function () { window.location.assign('/index'); }, 1200);
    }
    return true;
  }

  function isNarrow() {
    return window.matchMedia('(max-width: 760px)').matches;
  }

  function isViewing(c) {
    return active === c && document.visibilityState === 'visible';
  }

  // ---------------------------------------------------------------------------------------------
  // People

  function lookupUser(id) {
    if (id === me.id) return Promise.resolve({ ID: me.id, Name: me.name, Avatar: me.avatar });
    if (users.has(id)) return Promise.resolve(users.get(id));
    if (!lookups.has(id)) {
      lookups.set(id, api.post('/user/find', { userId: id }).then(function (r) {
        if (expired(r)) return null;
        if (!r.ok || !r.data) {
          setTimeout(function () { lookups.delete(id); }, 30000); // try again later, not at once
          return null;
        }
        users.set(id, { Name: String(r.data.Name || ''), Avatar: r.data.Avatar || '' });
        return users.get(id);
      }));
    }
    return lookups.get(id);
  }

  /** Name and avatar of a user when known now (self, a friend, or looked up before); else null. */
  function knownUser(id) {
    if (id === me.id) return { Name: me.name, Avatar: me.avatar };
    var friend = convs.get('u:' + id);
    if (friend && (friend.contact || friend.named)) return { Name: friend.name, Avatar: friend.avatar };
    return users.get(id) || null;
  }

  /** Fills in the name and avatar of a sender on every shown message of theirs, once known. */
  function resolveSender(id) {
    lookupUser(id).then(function (u) {
      if (!u) return;
      var nodes = dom.messageList.querySelectorAll('[data-sender="' + id + '"]');
      Array.prototype.forEach.call(nodes, function (node) {
        if (node.classList.contains('msg-sender')) node.textContent = u.Name;
        else api.avatar(node, u.Name, u.Avatar, id);
      });
      convs.forEach(function (c) { if (c.kind === 'g') updateListItem(c); });
    });
  }

  function renderMe() {
    dom.meName.textContent = me.name;
    api.avatar(dom.meAvatar, me.name, me.avatar, me.id);
  }

  function loadMe() {
    return api.post('/user/find', { userId: me.id }).then(function (r) {
      if (expired(r) || !r.ok || !r.data) return;
      me.name = String(r.data.Name || me.name);
      me.avatar = r.data.Avatar || '';
      me.phone = r.data.Phone || '';
      me.email = r.data.Email || '';
      renderMe();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Friends and groups

  var friendsLoaded = false;
  var groupsLoaded = false;
  var reloadGroupsTimer = null;

  function loadFriends() {
    return api.post('/searchFriends', { userId: me.id }).then(function (r) {
      if (expired(r)) return;
      if (!r.ok) {
        if (!friendsLoaded) toast(api.explain(r.message), 'error');
        return;
      }
      var seen = {};
      r.rows.forEach(function (u) {
        var id = Number(u.ID);
        if (!(id > 0)) return;
        var c = conversation('u', id);
        c.contact = true;
        c.named = true;
        c.name = String(u.Name || '');
        c.avatar = u.Avatar || '';
        c.online = u.Online === true;
        seen[c.key] = true;
      });
      convs.forEach(function (c) {
        if (c.kind === 'u' && c.contact && !seen[c.key]) c.contact = false;
      });
      friendsLoaded = true;
      afterContacts();
    });
  }

  function loadGroups() {
    return api.post('/contact/loadcommunity', { ownerId: me.id }).then(function (r) {
      if (expired(r)) return;
      if (!r.ok) {
        if (!groupsLoaded) toast(api.explain(r.message), 'error');
        return;
      }
      var seen = {};
      r.rows.forEach(function (g) {
        var id = Number(g.ID);
        if (!(id > 0)) return;
        var c = conversation('g', id);
        c.contact = true;
        c.named = true;
        c.name = String(g.Name || '');
        c.avatar = g.Img || '';
        c.desc = String(g.Desc || '');
        seen[c.key] = true;
      });
      convs.forEach(function (c) {
        if (c.kind === 'g' && c.contact && !seen[c.key]) c.contact = false;
      });
      groupsLoaded = true;
      afterContacts();
    });
  }

  var reloadFriendsTimer = null;

  /** A message from a group the list does not know yet (joined in another tab): reload, once. */
  function reloadGroupsSoon() {
    if (reloadGroupsTimer) return;
    reloadGroupsTimer = setTimeout(function () {
      reloadGroupsTimer = null;
      loadGroups();
    }, 300);
  }

  /** A message from someone not in the list (who just added us as a friend): reload, once. */
  function reloadFriendsSoon() {
    if (reloadFriendsTimer) return;
    reloadFriendsTimer = setTimeout(function () {
      reloadFriendsTimer = null;
      loadFriends();
    }, 300);
  }

  function afterContacts() {
    renderList();
    if (active) renderHeader(active);
    if (friendsLoaded && groupsLoaded) prefetchPreviews();
  }

  /** The newest message of each conversation, for the list's previews and order. */
  function prefetchPreviews() {
    var queue = [];
    convs.forEach(function (c) {
      if (!c.previewLoaded && c.contact) {
        c.previewLoaded = true;
        if (c.history === 'none') queue.push(c);
      }
    });
    var running = 0;
    function next() {
      while (running < 4 && queue.length) {
        var c = queue.shift();
        running++;
        fetchPage(c, 0, 0).then(function (page) {
          running--;
          if (page) merge(this, page.messages);
          next();
        }.bind(c));
      }
    }
    next();
  }

  // ---------------------------------------------------------------------------------------------
  // The conversation list

  function visibleInList(c) {
    return c.contact || c.records.length > 0 || c === active;
  }

  function lastRecord(c) {
    return c.records.length ? c.records[c.records.length - 1] : null;
  }

  function sortKey(c) {
    var last = lastRecord(c);
    return last ? last.at : 0;
  }

  function renderList() {
    var items = [];
    convs.forEach(function (c) { if (visibleInList(c)) items.push(c); });
    items.sort(function (a, b) {
      return (sortKey(b) - sortKey(a)) ||
        ((b.kind === 'u' && b.online ? 1 : 0) - (a.kind === 'u' && a.online ? 1 : 0)) ||
        a.name.localeCompare(b.name);
    });
    var query = dom.filter.value.trim().toLowerCase();
    var keep = new Set();
    items.forEach(function (c, i) {
      var node = updateListItem(c);
      node.hidden = !!query && c.name.toLowerCase().indexOf(query) < 0;
      keep.add(node);
      // Move only what is out of place (moving a node would take the keyboard focus from it).
      var at = dom.list.children[i];
      if (at !== node) dom.list.insertBefore(node, at || null);
    });
    Array.prototype.slice.call(dom.list.children).forEach(function (node) {
      if (!keep.has(node)) dom.list.removeChild(node);
    });
    dom.listEmpty.hidden = items.length > 0 || !(friendsLoaded && groupsLoaded);
  }

  function updateListItem(c) {
    var item = c.item;
    if (!item) {
      item = c.item = el('button', 'conv');
      item.type = 'button';
      item.setAttribute('data-conv', c.key);
      var avatarWrap = el('span', 'avatar-wrap');
      avatarWrap.appendChild(el('span', 'avatar' + (c.kind === 'g' ? ' avatar-group' : '')));
      if (c.kind === 'u') avatarWrap.appendChild(el('span', 'presence'));
      item.appendChild(avatarWrap);
      var main = el('span', 'conv-main');
      var top = el('span', 'conv-top');
      var name = el('span', 'conv-name');
      top.appendChild(name);
      top.appendChild(el('time', 'conv-time'));
      var bottom = el('span', 'conv-bottom');
      bottom.appendChild(el('span', 'conv-preview'));
      bottom.appendChild(el('span', 'badge'));
      main.appendChild(top);
      main.appendChild(bottom);
      item.appendChild(main);
      item.addEventListener('click', function () { selectConversation(c.key); });
    }
    api.avatar(item.querySelector('.avatar'), c.name, c.avatar, c.id);
    var nameNode = item.querySelector('.conv-name');
    nameNode.textContent = c.name;
    if (c.kind === 'g') nameNode.insertBefore(api.icon('users', 'conv-kind'), nameNode.firstChild);
    var presence = item.querySelector('.presence');
    if (presence) {
      presence.className = 'presence ' + (c.online ? 'is-online' : 'is-offline');
      presence.title = c.online ? '在线 / Online' : '离线 / Offline';
    }
    item.setAttribute('data-online', c.kind === 'u' && c.online ? 'true' : 'false');
    var last = lastRecord(c);
    var time = item.querySelector('.conv-time');
    time.textContent = last ? M.shortTime(last.at) : '';
    var previewNode = item.querySelector('.conv-preview');
    previewNode.textContent = previewOf(c, last);
    previewNode.classList.toggle('is-failed', !!last && last.state === 'failed');
    var badge = item.querySelector('.badge');
    badge.textContent = c.unread > 99 ? '99+' : String(c.unread);
    badge.hidden = c.unread === 0;
    item.setAttribute('aria-label', c.name + (c.unread ? '，' + c.unread + ' 条未读 / unread' : ''));
    if (active === c) item.setAttribute('aria-current', 'true');
    else item.removeAttribute('aria-current');
    return item;
  }

  function previewOf(c, rec) {
    if (!rec) {
      if (c.kind === 'g') return c.desc || '群聊 / Group';
      return c.online ? '在线 / Online' : '';
    }
    var text = M.preview(rec.m);
    if (rec.own) return (rec.state === 'failed' ? '⚠ ' : '') + text;
    if (c.kind === 'g') {
      var u = knownUser(rec.m.userId);
      if (!u) {
        lookupUser(rec.m.userId).then(function (found) { if (found) updateListItem(c); });
      }
      return (u ? u.Name : '#' + rec.m.userId) + ': ' + text;
    }
    return text;
  }

  /** After a conversation's data changed: its list item, order and (when open) header. */
  function refreshConversation(c) {
    renderList();
    if (active === c) renderHeader(c);
  }

  // ---------------------------------------------------------------------------------------------
  // Opening a conversation

  function selectConversation(key) {
    if (active && active.key === key) {
      if (isNarrow()) dom.input.focus();
      return;
    }
    if (!active && isNarrow()) {
      // On a phone, opening is a step forward: the back button (or the phone's) returns to the list.
      openedByPush = true;
      location.hash = key;
    } else {
      history.replaceState(null, '', '#' + key);
      openConversation(key);
    }
  }

  function routeFromHash() {
    var key = location.hash.replace(/^#/, '');
    if (parseKey(key)) openConversation(key);
    else closeConversation();
  }

  function openConversation(key) {
    var parsed = parseKey(key);
    if (!parsed) return;
    if (active && active.key === key) return;
    saveDraft();
    closeEmojiPanel();
    cancelRecording();
    var c = conversation(parsed.kind, parsed.id);
    active = c;
    appNode.classList.add('show-conv');
    dom.welcome.hidden = true;
    dom.conversation.hidden = false;
    dom.conversation.setAttribute('data-conv', c.key);
    renderHeader(c);
    jumpCount = 0;
    dom.jump.hidden = true;
    renderMessages(c, 'bottom');
    markRead(c);
    renderList();
    dom.input.value = drafts.get(c.key) || '';
    autosize();
    if (!isNarrow()) dom.input.focus();
    if (c.history === 'none' || c.history === 'error') loadFirstPage(c);
    else fillViewport(c);
  }

  function closeConversation() {
    if (!active) return;
    saveDraft();
    closeEmojiPanel();
    cancelRecording();
    active = null;
    openedByPush = false;
    appNode.classList.remove('show-conv');
    dom.conversation.hidden = true;
    dom.conversation.removeAttribute('data-conv');
    dom.welcome.hidden = false;
    renderList();
  }

  function saveDraft() {
    if (!active) return;
    if (dom.input.value) drafts.set(active.key, dom.input.value);
    else drafts.delete(active.key);
  }

  function renderHeader(c) {
    dom.convName.textContent = c.name;
    api.avatar(dom.convAvatar, c.name, c.avatar, c.id);
    dom.convAvatar.classList.toggle('avatar-group', c.kind === 'g');
    dom.convSub.className = 'conv-sub';
    if (c.kind === 'g') {
      dom.convSub.textContent = '群号 / Group ID ' + c.id + (c.desc ? ' · ' + c.desc : '');
    } else if (c.contact) {
      dom.convSub.textContent = c.online ? '在线 / Online' : '离线 / Offline';
      dom.convSub.classList.add(c.online ? 'is-online' : 'is-offline');
    } else {
      dom.convSub.textContent = '不是好友 / Not in your friends list';
    }
  }

  function markRead(c) {
    if (c.unread) {
      c.unread = 0;
      saveUnread();
      updateListItem(c);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // History

  function fetchPage(c, start, end) {
    var request = c.kind === 'g'
      ? api.post('/user/redisGroupMsg', { groupId: c.id, start: start, end: end, isRev: false })
      : api.post('/user/redisMsg', { userIdA: me.id, userIdB: c.id, start: start, end: end, isRev: false });
    return request.then(function (r) {
      if (expired(r) || !r.ok) return null;
      var raw = r.json && Array.isArray(r.json.Total) ? r.json.Total : [];
      var messages = [];
      for (var i = raw.length - 1; i >= 0; i--) { // newest first -> oldest first
        var frame = raw[i];
        if (typeof frame === 'string') {
          try { frame = JSON.parse(frame); } catch (e) { frame = null; }
        }
        if (frame && typeof frame === 'object') messages.push(M.normalize(frame));
      }
      return { messages: messages, count: raw.length };
    });
  }

  /** Number of messages of c the server has stored that this page knows: where the next page starts. */
  function storedCount(c) {
    var n = 0;
    c.records.forEach(function (rec) { if (rec.state === 'sent') n++; });
    return n;
  }

  /**
   * Merges messages (oldest first) into c: new ones go before the first message they precede in the
   * page that is already known (so an older page lands on top, and a page overlapping live messages
   * keeps the server's order); known ones are skipped. Returns the number added.
   */
  function merge(c, messages) {
    var at = 0;
    var added = 0;
    messages.forEach(function (m) {
      var k = M.key(m);
      var known = k && c.byKey.get(k);
      if (known) {
        if (known.state !== 'sent') confirm(known);
        at = c.records.indexOf(known) + 1;
        return;
      }
      var rec = record(m, m.userId === me.id, 'sent');
      if (k) c.byKey.set(k, rec);
      c.records.splice(at, 0, rec);
      at++;
      added++;
    });
    if (added) {
      if (active === c) renderMessages(c, 'keep');
      updateListItem(c);
      renderList();
    }
    return added;
  }

  function loadFirstPage(c) {
    c.history = 'loading';
    showHistoryState(c);
    fetchPage(c, 0, PAGE - 1).then(function (page) {
      if (!page) {
        c.history = 'error';
        showHistoryState(c);
        return;
      }
      c.history = page.count < PAGE ? 'done' : 'partial';
      var wasAtBottom = active === c && stickToBottom;
      merge(c, page.messages);
      if (active === c) {
        showHistoryState(c);
        if (wasAtBottom) scrollToBottom();
        fillViewport(c);
      }
    });
  }

  function loadOlder(c) {
    if (c.history !== 'partial') return;
    var start = storedCount(c);
    c.history = 'loading';
    showHistoryState(c);
    fetchPage(c, start, start + PAGE - 1).then(function (page) {
      if (!page) {
        c.history = 'partial';
        showHistoryState(c);
        return;
      }
      c.history = page.count < PAGE ? 'done' : 'partial';
      merge(c, page.messages);
      if (active === c) {
        showHistoryState(c);
        fillViewport(c);
      }
    });
  }

  /** Loads older pages while the messages do not fill the view (no scrollbar to scroll back with). */
  function fillViewport(c) {
    if (active !== c || c.history !== 'partial') return;
    if (dom.messages.scrollHeight <= dom.messages.clientHeight + 40) loadOlder(c);
  }

  function showHistoryState(c) {
    if (active !== c) return;
    var node = dom.historyState;
    node.setAttribute('data-state', c.history);
    node.textContent = {
      none: '', loading: '加载中… / Loading…',
      partial: '↑ 向上滚动加载更早的消息 / Scroll up for older messages',
      done: c.records.length ? '没有更早的消息了 / Beginning of the conversation' : '还没有消息，打个招呼吧 / No messages yet — say hello',
      error: '历史消息加载失败 / Could not load the history'
    }[c.history] || '';
  }

  // ---------------------------------------------------------------------------------------------
  // Messages on screen

  function record(m, own, state) {
    return { key: M.key(m), m: m, own: own, state: state, at: m.createTime || Date.now(), node: null, error: '' };
  }

  function nodeFor(c, rec) {
    if (!rec.node) {
      var sender = rec.own ? null : knownUser(rec.m.userId);
      rec.node = M.messageNode(rec, {
        own: rec.own,
        group: c.kind === 'g',
        senderName: sender ? sender.Name : (c.kind === 'u' ? c.name : '#' + rec.m.userId),
        senderAvatar: sender ? sender.Avatar : (c.kind === 'u' ? c.avatar : ''),
        hooks: { onImage: openLightbox, onLoad: onMediaLoaded }
      });
      if (!rec.own && !sender) resolveSender(rec.m.userId);
      paintState(rec);
    }
    return rec.node;
  }

  /** Consecutive messages of one sender within 3 minutes share one avatar and name. */
  function isContinuation(prev, rec) {
    return !!prev && prev.m.userId === rec.m.userId && prev.own === rec.own &&
      M.dayKey(prev.at) === M.dayKey(rec.at) && rec.at - prev.at < 180000 && rec.at >= prev.at;
  }

  function renderMessages(c, mode) {
    var box = dom.messages;
    var fromBottom = box.scrollHeight - box.scrollTop;
    var list = dom.messageList;
    while (list.firstChild) list.removeChild(list.firstChild);
    var lastDay = null;
    var prev = null;
    c.records.forEach(function (rec) {
      var day = M.dayKey(rec.at);
      if (day !== lastDay) {
        list.appendChild(M.dayDivider(rec.at));
        lastDay = day;
        prev = null;
      }
      var node = nodeFor(c, rec);
      var cont = isContinuation(prev, rec);
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

  function appendRecord(c, rec) {
    c.records.push(rec);
    if (rec.key) c.byKey.set(rec.key, rec);
    if (active === c) {
      var prev = c.records.length > 1 ? c.records[c.records.length - 2] : null;
      if (!prev || M.dayKey(prev.at) !== M.dayKey(rec.at)) dom.messageList.appendChild(M.dayDivider(rec.at));
      var node = nodeFor(c, rec);
      var cont = isContinuation(prev, rec);
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
    renderList();
  }

  function scrollToBottom() {
    dom.messages.scrollTop = dom.messages.scrollHeight;
    stickToBottom = true;
    jumpCount = 0;
    dom.jump.hidden = true;
  }

  function onMediaLoaded() {
    if (stickToBottom) dom.messages.scrollTop = dom.messages.scrollHeight;
  }

  dom.messages.addEventListener('scroll', function () {
    var box = dom.messages;
    stickToBottom = box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_BOTTOM_PX;
    if (stickToBottom) {
      jumpCount = 0;
      dom.jump.hidden = true;
    }
    if (active && box.scrollTop < 120) loadOlder(active);
  }, { passive: true });

  dom.jump.addEventListener('click', scrollToBottom);

  /** Shows a record's delivery state: sending…, uploading n %, or the error with a retry button. */
  function paintState(rec) {
    var node = rec.node;
    if (!node) return;
    node.setAttribute('data-state', rec.state);
    var status = node.querySelector('.msg-status');
    status.textContent = '';
    if (rec.state === 'pending') status.textContent = '发送中… / Sending…';
    if (rec.state === 'uploading') status.textContent = '上传中 / Uploading ' + Math.round((rec.progress || 0) * 100) + '%';
    var oldError = node.querySelector('.msg-error');
    if (oldError) oldError.parentNode.removeChild(oldError);
    if (rec.state === 'failed') {
      var error = el('p', 'msg-error');
      error.appendChild(api.icon('alert'));
      error.appendChild(el('span', 'msg-error-text', rec.error || '发送失败 / Not sent'));
      if (rec.retry) {
        var retry = el('button', 'link-btn', '重试 / Retry');
        retry.type = 'button';
        retry.addEventListener('click', function () { rec.retry(); });
        error.appendChild(retry);
      }
      node.querySelector('.msg-body').appendChild(error);
    }
  }

  function setState(rec, state, error) {
    rec.state = state;
    rec.error = error || '';
    clearTimeout(rec.echoTimer);
    paintState(rec);
  }

  function confirm(rec) {
    setState(rec, 'sent');
  }

  // ---------------------------------------------------------------------------------------------
  // Receiving

  var ERROR_TEXT = {
    not_a_member: '你不是这个群的成员 / You are not a member of this group',
    no_such_user: '对方不存在 / This user does not exist',
    no_such_group: '这个群不存在 / This group does not exist',
    too_large: '消息太长 / The message is too long',
    unavailable: '服务器暂时无法保存消息，请重试 / The server could not store it now — retry',
    bad_json: '消息格式错误 / Malformed message',
    bad_field: '消息格式错误 / Malformed message',
    unknown_media: '不支持的消息类型 / Unsupported message type',
    unknown_type: '不支持的消息类型 / Unsupported message type',
    missing_target: '没有接收者 / No recipient'
  };

  function onFrame(frame) {
    var m = M.normalize(frame);
    if (m.type === -1) {
      onErrorFrame(m);
      return;
    }
    if ((m.type !== 1 && m.type !== 2) || !(m.userId > 0) || !(m.targetId > 0)) return; // heartbeats, others
    var own = m.userId === me.id;
    var c = m.type === 2 ? conversation('g', m.targetId) : conversation('u', own ? m.targetId : m.userId);
    if (c.kind === 'g' && !c.contact) reloadGroupsSoon();
    if (c.kind === 'u' && !c.contact && !own) reloadFriendsSoon(); // a new friend wrote first
    var k = M.key(m);
    var known = k && c.byKey.get(k);
    if (known) {
      // The echo of an own group message, or a message seen before (history, an earlier catch-up).
      if (known.state !== 'sent') confirm(known);
      updateListItem(c);
      return;
    }
    appendRecord(c, record(m, own, 'sent'));
    if (!own && !isViewing(c)) {
      c.unread++;
      saveUnread();
      updateListItem(c);
    }
  }

  function onErrorFrame(m) {
    var text = ERROR_TEXT[m.error] || m.msg || m.error || '发送失败 / Not sent';
    var own = m.ref > 0 ? ownByTime.get(m.ref) : null;
    if (!own) {
      toast(text, 'error');
      return;
    }
    // Only a server that could not store the message now is worth trying again; the rest would fail alike.
    if (m.error !== 'unavailable') own.rec.retry = null;
    setState(own.rec, 'failed', text);
    updateListItem(own.conv);
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  /** CreateTime strictly increasing per page, so that two own messages never share a key. */
  function nextCreateTime() {
    var t = Math.max(Date.now(), lastCreateTime + 1);
    lastCreateTime = t;
    return t;
  }

  /**
   * Sends a message to c. fields: Media and Content / url / amount. rec, when given, is the placeholder
   * already on screen (an upload) that becomes this message.
   */
  function send(c, fields, rec) {
    var frame = {
      TargetId: c.id, Type: c.kind === 'g' ? 2 : 1, CreateTime: nextCreateTime(), userId: me.id, Media: fields.Media
    };
    if (fields.Content !== undefined) frame.Content = fields.Content;
    if (fields.url !== undefined) frame.url = fields.url;
    if (fields.amount !== undefined) frame.amount = fields.amount;
    var m = M.normalize(frame);
    if (rec) {
      rec.m = m;
      rec.key = M.key(m);
      c.byKey.set(rec.key, rec);
      setState(rec, 'pending');
    } else {
      rec = record(m, true, 'pending');
      appendRecord(c, rec);
    }
    rec.frame = frame;
    rec.retry = function () { resend(c, rec); };
    ownByTime.set(frame.CreateTime, { conv: c, rec: rec });
    outbox.push({ conv: c, rec: rec });
    flushOutbox();
    updateListItem(c);
  }

  function resend(c, rec) {
    setState(rec, 'pending');
    outbox.push({ conv: c, rec: rec });
    flushOutbox();
    updateListItem(c);
  }

  function flushOutbox() {
    while (outbox.length && socket.isOpen()) {
      var item = outbox[0];
      if (!socket.send(item.rec.frame)) break;
      outbox.shift();
      if (item.conv.kind === 'u') {
        confirm(item.rec); // private messages are not echoed: written is as far as we can see
      } else {
        // A group message is confirmed by its echo; without one it may not have arrived.
        item.rec.echoTimer = setTimeout(function (rec) {
          if (rec.state === 'pending') setState(rec, 'failed', '未确认送达 / Not confirmed');
        }.bind(null, item.rec), ECHO_TIMEOUT_MS);
      }
    }
  }

  function sendText() {
    if (!active) return;
    var text = dom.input.value;
    if (!text.trim()) return;
    if (api.utf8Length(text) > MAX_CONTENT_BYTES) {
      toast('消息太长（最多 4096 字节）/ The message is too long (4096 bytes at most)', 'error');
      return;
    }
    send(active, { Media: M.MEDIA_TEXT, Content: text });
    closeEmojiPanel();
    dom.input.value = '';
    drafts.delete(active.key);
    autosize();
    dom.input.focus();
  }

  function sendSticker(sticker) {
    if (!active) return;
    send(active, { Media: M.MEDIA_STICKER, Content: sticker.id, url: sticker.url });
    closeEmojiPanel();
  }

  /** Shows the file at once, uploads it, then sends the message (Media 4 image or 3 voice). */
  function sendUpload(c, blob, fileName, media, extra) {
    var now = Date.now();
    var rec = record({
      type: c.kind === 'g' ? 2 : 1, targetId: c.id, userId: me.id, media: media, content: '', url: '',
      amount: extra && extra.amount, createTime: null
    }, true, 'uploading');
    rec.at = now;
    rec.localUrl = URL.createObjectURL(blob);
    rec.progress = 0;
    appendRecord(c, rec);
    paintState(rec);
    var attempt = function () {
      setState(rec, 'uploading');
      api.upload(blob, fileName, function (p) {
        rec.progress = p;
        if (rec.state === 'uploading') paintState(rec);
      }).then(function (r) {
        if (expired(r)) return;
        if (!r.ok || typeof r.data !== 'string') {
          rec.retry = attempt;
          setState(rec, 'failed', api.explain(r.message) || '上传失败 / Upload failed');
          updateListItem(c);
          return;
        }
        var fields = { Media: media, url: r.data };
        if (extra && extra.amount !== undefined) fields.amount = extra.amount;
        send(c, fields, rec);
      });
    };
    attempt();
  }

  function sendImages(files) {
    if (!active) return;
    Array.prototype.forEach.call(files, function (file) {
      var ext = IMAGE_TYPES[file.type];
      var problem = api.dialogs.imageProblem(file);
      if (problem) {
        toast(problem, 'error');
        return;
      }
      sendUpload(active, file, 'image.' + ext, M.MEDIA_IMAGE);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Composer

  function autosize() {
    dom.input.style.height = 'auto';
    dom.input.style.height = Math.min(dom.input.scrollHeight, 160) + 'px';
  }

  dom.form.addEventListener('submit', function (event) {
    event.preventDefault();
    sendText();
  });

  dom.input.addEventListener('keydown', function (event) {
    // Enter sends; Shift+Enter is a new line; Enter that confirms an input method's candidate does neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      sendText();
    }
  });
  dom.input.addEventListener('input', autosize);

  dom.input.addEventListener('paste', function (event) {
    var files = event.clipboardData && event.clipboardData.files;
    if (files && files.length) {
      event.preventDefault();
      sendImages(files);
    }
  });

  ['dragover', 'drop'].forEach(function (type) {
    dom.conversation.addEventListener(type, function (event) {
      if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, 'Files') < 0) return;
      event.preventDefault();
      if (type === 'drop') sendImages(event.dataTransfer.files);
    });
  });

  dom.imageButton.addEventListener('click', function () { dom.imageInput.click(); });
  dom.imageInput.addEventListener('change', function () {
    var files = Array.prototype.slice.call(dom.imageInput.files || []);
    dom.imageInput.value = '';
    sendImages(files);
  });

  // ---- emoji and stickers ----

  function buildEmojiPanel() {
    api.emoji.emoji.forEach(function (e) {
      var b = el('button', 'emoji', e);
      b.type = 'button';
      b.addEventListener('click', function () { insertText(e); });
      dom.emojiGrid.appendChild(b);
    });
    api.emoji.stickers.forEach(function (s) {
      var b = el('button', 'sticker');
      b.type = 'button';
      b.title = s.name;
      b.setAttribute('data-sticker', s.id);
      var img = document.createElement('img');
      img.src = s.url;
      img.alt = s.name;
      img.loading = 'lazy';
      b.appendChild(img);
      b.addEventListener('click', function () { sendSticker(s); });
      dom.stickerGrid.appendChild(b);
    });
    function tab(showStickers) {
      dom.tabEmoji.setAttribute('aria-selected', showStickers ? 'false' : 'true');
      dom.tabStickers.setAttribute('aria-selected', showStickers ? 'true' : 'false');
      dom.emojiGrid.hidden = showStickers;
      dom.stickerGrid.hidden = !showStickers;
    }
    dom.tabEmoji.addEventListener('click', function () { tab(false); });
    dom.tabStickers.addEventListener('click', function () { tab(true); });
  }

  function insertText(text) {
    var input = dom.input;
    var start = input.selectionStart === undefined ? input.value.length : input.selectionStart;
    var end = input.selectionEnd === undefined ? input.value.length : input.selectionEnd;
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    var caret = start + text.length;
    input.focus();
    input.setSelectionRange(caret, caret);
    autosize();
  }

  function closeEmojiPanel() {
    dom.emojiPanel.hidden = true;
    dom.emojiButton.setAttribute('aria-expanded', 'false');
  }

  dom.emojiButton.addEventListener('click', function (event) {
    event.stopPropagation();
    var open = dom.emojiPanel.hidden;
    dom.emojiPanel.hidden = !open;
    dom.emojiButton.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
  document.addEventListener('click', function (event) {
    if (!dom.emojiPanel.hidden && !dom.emojiPanel.contains(event.target) && event.target !== dom.emojiButton) {
      closeEmojiPanel();
    }
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && !dom.emojiPanel.hidden) closeEmojiPanel();
  });

  // ---- voice ----

  var recorder = null;
  var recTimer = null;

  function setupVoice() {
    var reason = api.Recorder.unsupportedReason();
    if (reason) {
      dom.voiceButton.disabled = true;
      dom.voiceButton.title = reason;
      dom.voiceButton.setAttribute('aria-disabled', 'true');
      return;
    }
    dom.voiceButton.addEventListener('click', startRecording);
    dom.recCancel.addEventListener('click', cancelRecording);
    dom.recSend.addEventListener('click', finishRecording);
  }

  function startRecording() {
    if (recorder || !active) return;
    var r = new api.Recorder();
    recorder = r;
    dom.voiceButton.disabled = true;
    r.start().then(function () {
      if (recorder !== r) {
        r.cancel();
        return;
      }
      dom.recorder.hidden = false;
      dom.form.hidden = true;
      dom.recTime.textContent = '0:00';
      recTimer = setInterval(function () {
        var s = Math.floor(r.seconds());
        dom.recTime.textContent = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
        if (s >= MAX_VOICE_SECONDS) finishRecording();
      }, 250);
    }, function (err) {
      recorder = null;
      dom.voiceButton.disabled = false;
      toast('无法使用麦克风 / The microphone is not available' + (err && err.name ? ' (' + err.name + ')' : ''), 'error');
    });
  }

  function stopRecorderUi() {
    clearInterval(recTimer);
    dom.recorder.hidden = true;
    dom.form.hidden = false;
    dom.voiceButton.disabled = false;
  }

  function cancelRecording() {
    if (!recorder) return;
    recorder.cancel();
    recorder = null;
    stopRecorderUi();
  }

  function finishRecording() {
    if (!recorder || !recorder.startedAt) return;
    var r = recorder;
    var c = active;
    recorder = null;
    stopRecorderUi();
    r.stop().then(function (clip) {
      if (clip.seconds < 1 || !clip.blob.size) {
        toast('录音太短 / The recording is too short', 'error');
        return;
      }
      sendUpload(c, clip.blob, clip.fileName, M.MEDIA_VOICE, { amount: Math.max(1, Math.round(clip.seconds)) });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Lightbox

  function openLightbox(src) {
    dom.lightboxImg.src = src;
    if (!dom.lightbox.open) dom.lightbox.showModal();
  }
  dom.lightbox.addEventListener('click', function () { dom.lightbox.close(); });

  // ---------------------------------------------------------------------------------------------
  // Connection

  var countdownTimer = null;

  var STATE_TEXT = {
    connecting: '连接中… / Connecting…',
    online: '在线 / Online',
    offline: '离线 / Offline'
  };

  function onSocketState(state, info) {
    clearInterval(countdownTimer);
    dom.conn.setAttribute('data-state', state);
    appNode.setAttribute('data-conn', state);
    var paint = function () {
      var seconds = state === 'reconnecting' ? Math.max(0, Math.ceil((info.at - Date.now()) / 1000)) : 0;
      dom.connText.textContent = state === 'reconnecting'
        ? seconds + ' 秒后重连 / Retry in ' + seconds + ' s'
        : STATE_TEXT[state];
      dom.bannerText.textContent = {
        offline: '网络已断开，恢复后自动重连 / No network — reconnecting when it is back',
        reconnecting: '连接已断开，' + seconds + ' 秒后重连 / Disconnected — reconnecting in ' + seconds + ' s',
        connecting: '正在重新连接… / Reconnecting…'
      }[state] || '';
    };
    paint();
    if (state === 'reconnecting') countdownTimer = setInterval(paint, 250);
    dom.banner.hidden = state === 'online' || (state === 'connecting' && !everOnline);
    dom.reconnectNow.hidden = state !== 'reconnecting';
    if (state === 'online') {
      var again = everOnline;
      everOnline = true;
      flushOutbox();
      if (again) {
        // Back after a break: presence may have changed; catch-up brings the messages.
        loadFriends();
        loadGroups();
      }
    }
  }

  /** A connection attempt failed before opening: when the session is gone, go to the login page. */
  var checkingSession = false;
  function onRejected() {
    if (checkingSession) return;
    checkingSession = true;
    api.post('/user/find', { userId: me.id }).then(function (r) {
      checkingSession = false;
      expired(r);
    });
  }

  dom.reconnectNow.addEventListener('click', function () { socket.reconnectNow(); });

  var socket = new api.ChatSocket({
    userId: me.id,
    onMessage: onFrame,
    onText: function () { /* the welcome line */ },
    onState: onSocketState,
    onRejected: onRejected
  });

  // ---------------------------------------------------------------------------------------------
  // Wiring

  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') {
      if (active) markRead(active);
      loadFriends();
    }
  });

  dom.back.addEventListener('click', function () {
    if (openedByPush) {
      history.back(); // hashchange closes the conversation
    } else {
      history.replaceState(null, '', location.pathname + location.search);
      closeConversation();
    }
  });

  window.addEventListener('hashchange', routeFromHash);

  dom.filter.addEventListener('input', renderList);
  dom.filter.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter') return;
    var first = dom.list.querySelector('.conv:not([hidden])');
    if (first) first.click();
  });

  dom.logout.addEventListener('click', function () {
    dom.logout.disabled = true;
    leaving = true;
    socket.stop();
    api.post('/user/logout', {}).then(function () { window.location.replace('/index'); });
  });

  api.dialogs.init({
    me: function () { return me; },
    expired: expired,
    toast: toast,
    friendAdded: function (user) {
      loadFriends().then(function () {
        if (Number(user.ID) > 0) selectConversation('u:' + Number(user.ID));
      });
    },
    groupJoined: function (group) {
      loadGroups().then(function () {
        if (Number(group.ID) > 0) selectConversation('g:' + Number(group.ID));
      });
    },
    profileSaved: function (user) {
      me.name = String(user.Name || me.name);
      me.avatar = user.Avatar || me.avatar;
      me.phone = user.Phone || me.phone;
      me.email = user.Email || me.email;
      renderMe();
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Start

  renderMe();
  buildEmojiPanel();
  setupVoice();
  saveUnread();
  loadMe();
  socket.start();
  loadFriends();
  loadGroups();
  routeFromHash();
  setInterval(function () { if (document.visibilityState === 'visible') loadFriends(); }, FRIENDS_REFRESH_MS);
  setInterval(function () { if (document.visibilityState === 'visible') loadGroups(); }, GROUPS_REFRESH_MS);
})();
