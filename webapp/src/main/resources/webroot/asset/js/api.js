/*
 * michat shared helpers: form POSTs that always yield a normalised result, plus tiny DOM helpers.
 * Exposed as window.michat; loaded (defer) before auth.js / home.js.
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
   * read here. Error statuses (4xx) carry the same JSON body, so the body is read regardless.
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
        return normalise(res.status, json);
      });
    }, function () {
      return { ok: false, status: 0, message: NETWORK_ERROR, data: null, rows: [], total: 0, json: null };
    });
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

  window.michat = { post: post, showAlert: showAlert, setBusy: setBusy, el: el, initial: initial };
})();
