/*
 * Login (index.ftl, #login-form) and registration (register.ftl, #register-form).
 * The server sets an HttpOnly session cookie on login; the token in the reply is deliberately
 * ignored (never stored in localStorage) so scripts cannot leak it.
 */
(function () {
  'use strict';
  var api = window.michat;
  var alertBox = document.getElementById('form-alert');

  var MSG_EMPTY = '用户名或密码不能为空！ / Name and password are required';
  var MSG_MISMATCH = '两次密码不一致！ / The passwords do not match';

  function field(form, name) {
    return form.elements.namedItem(name);
  }

  function login(name, password) {
    return api.post('/user/findUserByNameAndPwd', { name: name, password: password });
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function fail(form, message, focusName) {
    api.showAlert(alertBox, message, 'error');
    api.setBusy(form, false);
    var f = focusName && field(form, focusName);
    if (f) f.focus();
  }

  var loginForm = document.getElementById('login-form');
  if (loginForm) {
    loginForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var name = field(loginForm, 'name').value;
      var password = field(loginForm, 'password').value;
      if (!name.trim() || !password) {
        fail(loginForm, MSG_EMPTY, name.trim() ? 'password' : 'name');
        return;
      }
      api.showAlert(alertBox, '');
      api.setBusy(loginForm, true);
      login(name, password).then(function (r) {
        if (r.ok) {
          api.showAlert(alertBox, api.explain(r.message || '登录成功'), 'success');
          window.location.assign('/toChat');
        } else {
          // The server does not say whether the name or the password was wrong (no user enumeration).
          fail(loginForm, api.explain(r.message), 'password');
        }
      });
    });
  }

  var registerForm = document.getElementById('register-form');
  if (registerForm) {
    registerForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var name = field(registerForm, 'name').value;
      var password = field(registerForm, 'password').value;
      var repeat = field(registerForm, 'Identity').value;
      if (!name.trim() || !password || !repeat) {
        fail(registerForm, MSG_EMPTY, !name.trim() ? 'name' : (!password ? 'password' : 'Identity'));
        return;
      }
      if (password !== repeat) {
        fail(registerForm, MSG_MISMATCH, 'Identity');
        return;
      }
      api.showAlert(alertBox, '');
      api.setBusy(registerForm, true);
      // "Identity" carries the repeated password: that is the server's field name for it.
      api.post('/user/createUser', { name: name, password: password, Identity: repeat })
        .then(function (r) {
          if (!r.ok) {
            fail(registerForm, api.explain(r.message), 'name');
            return null;
          }
          api.showAlert(alertBox, api.explain(r.message || '新增用户成功！') + ' — 正在登录… / Signing in…', 'success');
          // A short pause so the success message can be read before the page changes.
          return wait(800).then(function () {
            return login(name, password);
          }).then(function (l) {
            // If the automatic login fails for any reason, the login page lets the user retry.
            window.location.assign(l.ok ? '/toChat' : '/index');
          });
        });
    });
  }
})();
