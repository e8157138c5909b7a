/*
 * michat shared helpers: form POSTs and uploads that always yield a normalised result, bilingual
 * server messages, URL checks and tiny DOM helpers.
 * Exposed as window.michat; loaded (defer) before auth.js and the chat client's scripts.
 * Everything user-provided is written with textContent, never innerHTML.
 */
(function () {
  'use strict';

  var NETWORK_ERROR = '网络错误，请稍后再试 / Network error, please try again';

  /** Builds a urlencoded body from an object or a <form> (URLSearchParams encodes as UTF-8). */
  function toParams(data) {
    var params = new URLSearchParams();
    if (data instanceof HTMLFormElement) {
      new FormData(data).forEach(function (value, key) {
        if (typeof value === 'string') params.append(key, value);
      });
    } else if (data) {
      Object.keys(data).forEach(function (key) {
        if (data[key] !== undefined && data[key] !== null) params.append(key, String(data[key]));
      });
    }
    return params;
  }

  /**
   * POSTs application/x-www-form-urlencoded and resolves (never rejects) with
   *   { ok, status, message, data, rows, total, json }.
   * The server uses two JSON shapes: {code,message,data} and {Code,Msg,Data,Rows,Total}; both are
   * read here. The ginchat routes answer errors as the original server did (HTTP 200, code -1), so
   * michat's own status comes from the X-Michat-Status header when there is one.
   */
  function post(url, data) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
        'Accept': 'application/json'
      },
      body: toParams(data).toString()
    }).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        return normalise(michatStatus(res.headers.get('X-Michat-Status'), res.status), json);
      });
    }, function () {
      return { ok: false, status: 0, message: NETWORK_ERROR, data: null, rows: [], total: 0, json: null };
    });
  }

  /** The status michat meant: its header when present (ginchat routes answer errors with HTTP 200). */
  function michatStatus(header, httpStatus) {
    var status = Number(header);
    return header && status >= 100 && status < 600 ? status : httpStatus;
  }

  function normalise(status, json) {
    var j = json && typeof json === 'object' ? json : {};
    var code = 'code' in j ? j.code : j.Code;
    var message = 'message' in j ? j.message : j.Msg;
    var rows = Array.isArray(j.Rows) ? j.Rows : [];
    var ok = status >= 200 && status < 300 && Number(code) === 0;
    if (!message) {
      message = ok ? '' : (json ? '请求失败 / Request failed' : '服务器无响应 / No valid response') +
        (status ? ' (HTTP ' + status + ')' : '');
    }
    return {
      ok: ok,
      status: status,
      message: String(message),
      data: 'data' in j ? j.data : (j.Data === undefined ? null : j.Data),
      rows: rows,
      total: typeof j.Total === 'number' ? j.Total : rows.length,
      json: json
    };
  }

  /** Shows text in an alert element; kind is 'error' (default), 'success' or 'info'. Empty text hides it. */
  function showAlert(node, text, kind) {
    if (!node) return;
    node.textContent = text || '';
    node.className = 'alert alert-' + (kind || 'error');
    node.hidden = !text;
  }

  /**
   * Locks a form while a request is in flight (prevents double submits). Fields become readOnly,
   * not disabled, because disabled fields would drop out of FormData.
   */
  function setBusy(form, busy) {
    form.setAttribute('aria-busy', busy ? 'true' : 'false');
    Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) { b.disabled = busy; });
    Array.prototype.forEach.call(form.querySelectorAll('input, textarea'), function (f) { f.readOnly = busy; });
  }

  /** createElement + optional class + text content. */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** First user-perceived character of a name (code-point aware), upper-cased for Latin. */
  function initial(name) {
    var chars = Array.from(String(name || '').trim());
    return chars.length ? chars[0].toUpperCase() : '?';
  }

  // ---- additions for the chat client ----

  /**
   * English next to the server's Chinese messages (which the server keeps byte for byte for the seed's
   * clients), so every error is clear to both audiences. Unknown messages are shown as they are.
   */
  var ENGLISH = {
    '用户名或密码不能为空！': 'Name and password are required',
    '用户名已注册！': 'This name is already taken',
    '两次密码不一致！': 'The passwords do not match',
    '新增用户成功！': 'Account created',
    '该用户不存在': 'No account with this name',
    '密码不正确': 'Wrong password',
    '用户名或密码不正确': 'Wrong name or password',
    '登录成功': 'Signed in',
    '修改参数不匹配！': 'Check the phone number (11 digits starting with 1) and the e-mail address',
    '修改用户成功！': 'Profile saved',
    '不能加自己': 'You cannot add yourself',
    '不能重复添加': 'Already your friend',
    '没有找到此用户': 'No user with this name',
    '好友ID不能为空': 'Enter your friend\'s name',
    '添加好友成功': 'Friend added',
    '群名称不能为空': 'The group name is required',
    '请先登录': 'Please sign in first',
    '建群成功': 'Group created',
    '没有找到群': 'No such group',
    '已加过此群': 'You are already in this group',
    '加群成功': 'Joined the group',
    '发送图片成功': 'Uploaded',
    '修改密码需要提供当前密码': 'Enter your current password to change it',
    '当前密码不正确': 'The current password is wrong',
    '群名称已存在': 'A group with this name already exists',
    '群成员已满': 'The group is full',
    '修改群成功': 'Group updated',
    '只有群主可以修改群资料': 'Only the group\'s owner can change it',
    '登录已失效（已退出、修改了密码或注销了账号），请重新登录': 'Your session has ended, please sign in again',
    '已拒绝：请求来自其他网站的页面': 'Refused: this request came from another site',
    '只能查看或修改自己的数据': 'You can only read or change your own data',
    '你不是该群的成员': 'You are not a member of this group',
    '同时上传的文件过多，请等上一个完成': 'Too many uploads at once: wait for one to finish',
    '请求内容过大': 'The request is too large',
    '未找到': 'Not found',
    '请求无效': 'Bad request',
    '服务暂时不可用，请稍后再试': 'The service is unavailable, please try again',
    '服务器内部错误，请稍后再试': 'Internal error, please try again',
    '请选择要上传的文件': 'Choose a file to upload',
    '文件是空的': 'The file is empty',
    '只能发送图片（png、jpg、gif、webp、bmp）或语音（mp3、wav、ogg、m4a、aac、webm、amr）':
      'Only pictures and voice recordings can be sent'
  };

  /** "中文 / English" for the server's known messages; anything else unchanged. */
  /** Messages that carry a value (seconds to wait, a limit, a field). */
  var WITH_VALUE = [
    [/^尝试次数过多，请 (\d+) 秒后再试$/, 'Too many attempts: try again in $1 s'],
    [/^服务器繁忙，请 (\d+) 秒后再试$/, 'The server is busy: try again in $1 s'],
    [/^群成员已满（最多 (\d+) 人）$/, 'The group is full (at most $1 members)'],
    [/^文件不能超过 (.+)$/, 'The file must not be larger than $1'],
    [/^(名称|密码|头像|描述|输入)最多 (\d+) 个字符$/, 'At most $2 characters'],
    [/^(名称|密码|头像|描述|输入)含有无法识别的字符或控制字符$/, 'Unreadable or control characters are not allowed'],
    [/^(名称|密码|头像|描述|输入)必须是本站的图片或允许的图片网址$/, 'Must be a picture of this server or an allowed picture address']
  ];

  function explain(message) {
    var text = String(message || '');
    var wait = WITH_VALUE.filter(function (w) { return w[0].test(text); })[0];
    if (wait) return text + ' / ' + text.replace(wait[0], wait[1]);
    if (!Object.prototype.hasOwnProperty.call(ENGLISH, text)) return text;
    var other = ENGLISH[text];
    return /[\u4e00-\u9fff]/.test(text) ? text + ' / ' + other : other + ' / ' + text;
  }

  /**
   * The URLs the server accepts for pictures, voice and stickers (MediaUrls): a plain file under
   * /asset/ of this server, given as ./asset/…, /asset/… or asset/…, or an https URL (the page's
   * Content-Security-Policy decides which hosts). Anything else — '..', '%', a query, another route —
   * is never put in a src, even if an old message carries it. Local paths come back as /asset/….
   */
  function safeUrl(url) {
    if (typeof url !== 'string') return null;
    var u = url.trim();
    if (!u || u.length > 512 || /[\u0000-\u0020\u007f"'<>\\]/.test(u)) return null;
    if (/^https:\/\/[^\/]/i.test(u)) return u;
    var path = u.replace(/^\.?\//, '');
    if (path.indexOf('asset/') !== 0 || /[%?#]/.test(path)) return null;
    var segments = path.split('/');
    for (var i = 0; i < segments.length; i++) {
      if (!segments[i] || segments[i] === '.' || segments[i] === '..') return null;
    }
    return '/' + path;
  }

  function utf8Length(text) {
    return new TextEncoder().encode(String(text)).length;
  }

  /**
   * Uploads one file as multipart field "file" (POST /attach/upload) and resolves (never rejects) with
   * the normalised reply; r.data is the file's URL. onProgress(0..1) is called while sending.
   */
  function upload(file, fileName, onProgress) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/attach/upload');
      xhr.withCredentials = true;
      xhr.setRequestHeader('Accept', 'application/json');
      if (onProgress && xhr.upload) {
        xhr.upload.onprogress = function (e) {
          if (e.lengthComputable) onProgress(e.loaded / e.total);
        };
      }
      xhr.onload = function () {
        var json = null;
        try { json = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { json = null; }
        resolve(normalise(michatStatus(xhr.getResponseHeader('X-Michat-Status'), xhr.status), json));
      };
      xhr.onerror = xhr.onabort = xhr.ontimeout = function () {
        resolve({ ok: false, status: 0, message: NETWORK_ERROR, data: null, rows: [], total: 0, json: null });
      };
      var form = new FormData();
      form.append('file', file, fileName || file.name || 'file');
      xhr.send(form);
    });
  }

  var SVG_NS = 'http://www.w3.org/2000/svg';

  /** An icon from the sprite /asset/images/icons.svg (decorative: hidden from screen readers). */
  function icon(name, className) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('class', 'icon' + (className ? ' ' + className : ''));
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var use = document.createElementNS(SVG_NS, 'use');
    use.setAttribute('href', '/asset/images/icons.svg#' + name);
    svg.appendChild(use);
    return svg;
  }

  var AVATAR_COLORS = 8;

  /**
   * Fills an avatar element: the picture when the URL is safe, else the name's first character on a
   * colour chosen from the seed (an id), so the same person always has the same colour.
   */
  function avatar(node, name, url, seed) {
    var safe = safeUrl(url);
    var state = (safe || '') + '\u0001' + initial(name) + '\u0001' + seed;
    if (node.getAttribute('data-avatar') === state) return node; // unchanged: keep the loaded picture
    node.setAttribute('data-avatar', state);
    while (node.firstChild) node.removeChild(node.firstChild);
    var hue = Math.abs(Number(seed) || hash(String(name || ''))) % AVATAR_COLORS;
    node.className = node.className.replace(/\s*avatar-c\d+/g, '') + ' avatar-c' + hue;
    if (safe) {
      var img = document.createElement('img');
      img.alt = '';
      img.decoding = 'async';
      img.loading = 'lazy';
      img.src = safe;
      img.addEventListener('error', function () {
        if (img.parentNode === node) {
          node.removeChild(img);
          node.textContent = initial(name);
        }
      });
      node.appendChild(img);
    } else {
      node.textContent = initial(name);
    }
    return node;
  }

  function hash(text) {
    var h = 0;
    for (var i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
    return h;
  }

  window.michat = {
    post: post, showAlert: showAlert, setBusy: setBusy, el: el, initial: initial,
    explain: explain, safeUrl: safeUrl, utf8Length: utf8Length, upload: upload, icon: icon, avatar: avatar
  };
})();
