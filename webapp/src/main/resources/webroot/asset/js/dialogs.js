/*
 * The chat page's dialogs: add a friend, create a group, join a group, edit one's profile; and the
 * "+" menu that opens them. Each posts one of the seed's routes and reports the server's answer
 * (bilingual) inside the dialog; on success chat/main.js is told through the hooks given to init():
 *   hooks.me()                  -> { id, name, avatar }
 *   hooks.expired(reply)        -> true when the session is gone (the chat page then leaves)
 *   hooks.friendAdded(user)     after /contact/addfriend
 *   hooks.groupJoined(group)    after /contact/createCommunity or /contact/joinGroup
 *   hooks.profileSaved(user)    after /user/updateUser
 *   hooks.toast(text, kind)
 *
 * Exposed as michat.dialogs.
 */
(function () {
  'use strict';
  var api = window.michat;
  var IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp'];
  var MAX_IMAGE_BYTES = 10 * 1024 * 1024;
  var PHONE = /^1[3-9]\d{9}$/;

  var hooks;

  function byId(id) { return document.getElementById(id); }

  function open(id) {
    var dialog = byId(id);
    if (!dialog || dialog.open) return;
    var form = dialog.querySelector('form');
    if (form) {
      form.reset();
      var alertNode = form.querySelector('.alert');
      if (alertNode) api.showAlert(alertNode, '');
    }
    if (dialog.onOpen) dialog.onOpen();
    dialog.showModal();
    var first = dialog.querySelector('input:not([type="hidden"]):not([type="file"]), textarea');
    if (first) first.focus();
  }

  function close(dialog) {
    if (dialog.open) dialog.close();
  }

  /** Checks a picked image before uploading it; returns an error text or null. */
  function imageProblem(file) {
    if (IMAGE_TYPES.indexOf(file.type) < 0) return '只能上传 PNG、JPG、GIF、WebP 或 BMP 图片 / Only PNG, JPG, GIF, WebP or BMP images';
    if (file.size > MAX_IMAGE_BYTES) return '图片不能超过 10 MB / The image must be 10 MB or smaller';
    return null;
  }

  /**
   * A file input that uploads the picked picture at once and puts its URL into the form's hidden
   * "icon" field, showing it in the preview avatar.
   */
  function pictureField(form, fileInput, preview, alertNode, nameForInitial) {
    fileInput.addEventListener('change', function () {
      var file = fileInput.files && fileInput.files[0];
      fileInput.value = '';
      if (!file) return;
      var problem = imageProblem(file);
      if (problem) {
        api.showAlert(alertNode, problem, 'error');
        return;
      }
      api.showAlert(alertNode, '上传中… / Uploading…', 'info');
      api.setBusy(form, true);
      api.upload(file, file.name).then(function (r) {
        api.setBusy(form, false);
        if (hooks.expired(r)) return;
        if (!r.ok || typeof r.data !== 'string') {
          api.showAlert(alertNode, api.explain(r.message), 'error');
          return;
        }
        form.elements.namedItem('icon').value = r.data;
        api.avatar(preview, nameForInitial(), r.data, 0);
        api.showAlert(alertNode, '图片已上传，保存后生效 / Picture uploaded — save to apply', 'info');
      });
    });
  }

  /** Shared submit logic: validate, post, show the answer, then onSuccess(reply). */
  function handle(form, url, alertNode, collect, onSuccess) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var params = collect();
      if (typeof params === 'string') { // a validation message
        api.showAlert(alertNode, params, 'error');
        return;
      }
      api.showAlert(alertNode, '');
      api.setBusy(form, true);
      api.post(url, params).then(function (r) {
        api.setBusy(form, false);
        if (hooks.expired(r)) return;
        if (!r.ok) {
          api.showAlert(alertNode, api.explain(r.message), 'error');
          return;
        }
        onSuccess(r);
      });
    });
  }

  function field(form, name) {
    return form.elements.namedItem(name);
  }

  function initFriend() {
    var dialog = byId('dlg-friend');
    var form = byId('friend-form');
    var alertNode = byId('friend-alert');
    handle(form, '/contact/addfriend', alertNode, function () {
      var name = field(form, 'targetName').value.trim();
      if (!name) return '请输入好友的用户名 / Enter your friend\'s name';
      return { userId: hooks.me().id, targetName: name };
    }, function (r) {
      close(dialog);
      hooks.toast(api.explain(r.message || '添加好友成功'), 'success');
      hooks.friendAdded(r.data || {});
    });
  }

  function initCreate() {
    var dialog = byId('dlg-create');
    var form = byId('create-form');
    var alertNode = byId('create-alert');
    var preview = byId('create-icon-preview');
    var nameOf = function () { return field(form, 'name').value || '#'; };
    dialog.onOpen = function () {
      field(form, 'icon').value = '';
      api.avatar(preview, '#', '', 0);
    };
    pictureField(form, byId('create-icon-file'), preview, alertNode, nameOf);
    field(form, 'name').addEventListener('input', function () {
      if (!field(form, 'icon').value) api.avatar(preview, nameOf(), '', 0);
    });
    handle(form, '/contact/createCommunity', alertNode, function () {
      var name = field(form, 'name').value.trim();
      if (!name) return '群名称不能为空 / The group name is required';
      return { ownerId: hooks.me().id, name: name, desc: field(form, 'desc').value, icon: field(form, 'icon').value };
    }, function (r) {
      close(dialog);
      hooks.toast(api.explain(r.message || '建群成功'), 'success');
      hooks.groupJoined(r.data || {});
    });
  }

  function initJoin() {
    var dialog = byId('dlg-join');
    var form = byId('join-form');
    var alertNode = byId('join-alert');
    handle(form, '/contact/joinGroup', alertNode, function () {
      var comId = field(form, 'comId').value.trim();
      if (!comId) return '请输入群号或群名 / Enter a group ID or name';
      return { userId: hooks.me().id, comId: comId };
    }, function (r) {
      close(dialog);
      hooks.toast(api.explain(r.message || '加群成功'), 'success');
      hooks.groupJoined(r.data || {});
    });
  }

  function initProfile() {
    var dialog = byId('dlg-profile');
    var form = byId('profile-form');
    var alertNode = byId('profile-alert');
    var preview = byId('profile-avatar');
    var current = {};

    function fill(user) {
      current = user || {};
      field(form, 'name').value = current.Name || '';
      field(form, 'phone').value = current.Phone || '';
      field(form, 'email').value = current.Email || '';
      field(form, 'icon').value = '';
      api.avatar(preview, current.Name || hooks.me().name, current.Avatar || '', hooks.me().id);
    }

    dialog.onOpen = function () {
      var me = hooks.me();
      fill({ Name: me.name, Avatar: me.avatar, Phone: me.phone, Email: me.email });
      // The freshest values (phone and e-mail are only shown to their owner).
      api.post('/user/find', { userId: me.id }).then(function (r) {
        if (hooks.expired(r)) return;
        if (r.ok && r.data && dialog.open && !form.getAttribute('data-dirty')) fill(r.data);
      });
      form.removeAttribute('data-dirty');
    };
    form.addEventListener('input', function () { form.setAttribute('data-dirty', '1'); });
    pictureField(form, byId('profile-avatar-file'), preview, alertNode, function () {
      return field(form, 'name').value || hooks.me().name;
    });

    handle(form, '/user/updateUser', alertNode, function () {
      var params = { id: hooks.me().id };
      var changed = false;
      var name = field(form, 'name').value.trim();
      var phone = field(form, 'phone').value.trim();
      var email = field(form, 'email').value.trim();
      var icon = field(form, 'icon').value;
      var password = field(form, 'password').value;
      var repeat = field(form, 'repeat').value;
      if (name && name !== (current.Name || '')) { params.name = name; changed = true; }
      if (phone && phone !== (current.Phone || '')) {
        if (!PHONE.test(phone)) return '手机号应为 1 开头的 11 位数字 / The phone number must have 11 digits and start with 1';
        params.phone = phone;
        changed = true;
      }
      if (email && email !== (current.Email || '')) {
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return '邮箱格式不正确 / That is not an e-mail address';
        params.email = email;
        changed = true;
      }
      if (icon) { params.icon = icon; changed = true; }
      if (password || repeat) {
        if (password !== repeat) return api.explain('两次密码不一致！');
        var currentPassword = field(form, 'currentPassword').value;
        if (!currentPassword) return api.explain('修改密码需要提供当前密码');
        params.password = password;
        params.currentPassword = currentPassword;
        changed = true;
      }
      if (!changed) return '没有需要保存的修改 / Nothing to save';
      return params;
    }, function (r) {
      var user = r.data || {};
      fill(user);
      field(form, 'password').value = '';
      field(form, 'repeat').value = '';
      field(form, 'currentPassword').value = '';
      form.removeAttribute('data-dirty');
      api.showAlert(alertNode, api.explain(r.message || '修改用户成功！'), 'success');
      hooks.profileSaved(user);
    });
  }

  function initMenu() {
    var button = byId('new-button');
    var menu = byId('new-menu');
    function setOpen(isOpen) {
      menu.hidden = !isOpen;
      button.setAttribute('aria-expanded', isOpen ? 'true' : 'false');
      if (isOpen) {
        var first = menu.querySelector('button');
        if (first) first.focus();
      }
    }
    button.addEventListener('click', function (event) {
      event.stopPropagation();
      setOpen(menu.hidden);
    });
    document.addEventListener('click', function (event) {
      if (!menu.hidden && !menu.contains(event.target)) setOpen(false);
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && !menu.hidden) {
        setOpen(false);
        button.focus();
      }
    });
    // Every [data-dialog] button (menu items, the empty list's buttons, the profile button) opens its dialog.
    document.addEventListener('click', function (event) {
      var opener = event.target.closest && event.target.closest('[data-dialog]');
      if (!opener) return;
      setOpen(false);
      open(opener.getAttribute('data-dialog'));
    });
    // [data-close] closes its dialog; so does a click on the backdrop.
    Array.prototype.forEach.call(document.querySelectorAll('dialog'), function (dialog) {
      dialog.addEventListener('click', function (event) {
        var closer = event.target.closest && event.target.closest('[data-close]');
        if (closer || event.target === dialog) close(dialog);
      });
    });
  }

  api.dialogs = {
    init: function (h) {
      hooks = h;
      initMenu();
      initFriend();
      initCreate();
      initJoin();
      initProfile();
    },
    open: open,
    imageProblem: imageProblem
  };
})();
