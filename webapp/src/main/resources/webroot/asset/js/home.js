/*
 * Chat placeholder page (chat.ftl): logout, friends and groups through the existing REST API.
 * The session cookie authenticates every call. The seed's parameter names (userId / ownerId) are
 * sent as well, always equal to the signed-in user, so seed-compatible handlers accept them too.
 * Replies use the {Code, Msg, Data, Rows, Total} shape; api.js normalises it.
 */
(function () {
  'use strict';
  var api = window.michat;
  var el = api.el;

  var me = document.getElementById('me');
  var rawId = me ? me.getAttribute('data-user-id') : '';
  var userId = rawId && rawId !== '0' ? rawId : undefined; // undefined: parameter left out
  var nameNode = document.querySelector('.topbar-name');
  var meAvatar = document.getElementById('me-avatar');
  if (meAvatar && nameNode) meAvatar.textContent = api.initial(nameNode.textContent);

  function byId(id) { return document.getElementById(id); }

  /** A 401 means the session expired or was revoked: go back to the login page. */
  function handleExpired(r, alertNode) {
    if (r.status !== 401) return false;
    api.showAlert(alertNode, r.message || '请先登录 / Please sign in', 'error');
    setTimeout(function () { window.location.assign('/index'); }, 1200);
    return true;
  }

  /** Replaces a list's items; shows emptyText when there are none. */
  function renderList(list, rows, emptyText, toItem) {
    var items = rows.length ? rows.map(toItem) : [el('li', 'empty muted', emptyText)];
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (li) { list.appendChild(li); });
  }

  function item(title, meta, extra) {
    var li = el('li', 'item');
    li.appendChild(el('span', 'avatar', api.initial(title)));
    var body = el('div', 'item-body');
    body.appendChild(el('span', 'item-title', title));
    body.appendChild(el('span', 'item-meta muted small', meta));
    if (extra) body.appendChild(el('span', 'item-desc small', extra));
    li.appendChild(body);
    return li;
  }

  function setCount(id, n) {
    var node = byId(id);
    if (node) node.textContent = n ? '(' + n + ')' : '';
  }

  // ---- friends ----

  var friendsList = byId('friends-list');
  var friendsAlert = byId('friends-alert');

  function loadFriends() {
    friendsList.setAttribute('aria-busy', 'true');
    return api.post('/searchFriends', { userId: userId }).then(function (r) {
      friendsList.setAttribute('aria-busy', 'false');
      if (handleExpired(r, friendsAlert)) return;
      if (!r.ok) {
        api.showAlert(friendsAlert, r.message, 'error');
        return;
      }
      setCount('friends-count', r.rows.length);
      renderList(friendsList, r.rows, '还没有好友，输入用户名添加吧 / No friends yet — add one by name',
        function (u) { return item(u.Name || '', 'ID ' + u.ID); });
    });
  }

  var addForm = byId('addfriend-form');
  addForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var input = addForm.elements.namedItem('targetName');
    var targetName = input.value.trim();
    if (!targetName) {
      api.showAlert(friendsAlert, '请输入好友的用户名 / Enter your friend\'s name', 'error');
      input.focus();
      return;
    }
    api.setBusy(addForm, true);
    api.post('/contact/addfriend', { userId: userId, targetName: targetName }).then(function (r) {
      api.setBusy(addForm, false);
      if (handleExpired(r, friendsAlert)) return;
      api.showAlert(friendsAlert, r.message || (r.ok ? '添加好友成功 / Friend added' : ''), r.ok ? 'success' : 'error');
      if (r.ok) {
        addForm.reset();
        loadFriends();
      } else {
        input.focus();
      }
    });
  });

  byId('friends-refresh').addEventListener('click', function () {
    api.showAlert(friendsAlert, '');
    loadFriends();
  });

  // ---- groups ----

  var groupsList = byId('groups-list');
  var groupsAlert = byId('groups-alert');

  function loadGroups() {
    groupsList.setAttribute('aria-busy', 'true');
    return api.post('/contact/loadcommunity', { ownerId: userId }).then(function (r) {
      groupsList.setAttribute('aria-busy', 'false');
      if (handleExpired(r, groupsAlert)) return;
      if (!r.ok) {
        api.showAlert(groupsAlert, r.message, 'error');
        return;
      }
      setCount('groups-count', r.rows.length);
      renderList(groupsList, r.rows, '还没有加入任何群 / You are not in any group yet',
        function (g) { return item(g.Name || '', '群号 / ID ' + g.ID, g.Desc || ''); });
    });
  }

  /** Shared submit logic for the create and join forms: validate, post, report, reload. */
  function groupForm(form, url, requiredName, emptyMessage, extra) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var input = form.elements.namedItem(requiredName);
      if (!input.value.trim()) {
        api.showAlert(groupsAlert, emptyMessage, 'error');
        input.focus();
        return;
      }
      var params = extra();
      form.querySelectorAll('input, textarea').forEach(function (f) {
        params[f.name] = f.name === requiredName ? f.value.trim() : f.value;
      });
      api.setBusy(form, true);
      api.post(url, params).then(function (r) {
        api.setBusy(form, false);
        if (handleExpired(r, groupsAlert)) return;
        api.showAlert(groupsAlert, r.message || (r.ok ? 'OK' : ''), r.ok ? 'success' : 'error');
        if (r.ok) {
          form.reset();
          loadGroups();
        } else {
          input.focus();
        }
      });
    });
  }

  groupForm(byId('joingroup-form'), '/contact/joinGroup', 'comId',
    '请输入群号或群名 / Enter a group ID or name', function () { return { userId: userId }; });
  groupForm(byId('creategroup-form'), '/contact/createCommunity', 'name',
    '群名称不能为空 / The group name is required', function () { return { ownerId: userId }; });

  byId('groups-refresh').addEventListener('click', function () {
    api.showAlert(groupsAlert, '');
    loadGroups();
  });

  // ---- logout ----

  var logout = byId('logout');
  logout.addEventListener('click', function () {
    logout.disabled = true;
    // Whatever the answer (even a network error), leave: the login page is the right place now.
    api.post('/user/logout', {}).then(function () {
      window.location.replace('/index');
    });
  });

  loadFriends();
  loadGroups();
})();
