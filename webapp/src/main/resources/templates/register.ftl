<#ftl output_format="HTML">
<#-- Registration page (GET /toRegister). Model: title (string). Logic: /asset/js/auth.js
     The repeated password is posted as "Identity": that is the field name the server expects. -->
<#import "layout.ftl" as layout>
<@layout.page pageTitle=(title!"michat") bodyClass="auth" scripts=["api.js", "auth.js"]>
<@layout.authCard heading="注册 / Create account" subheading="几秒钟即可开始聊天 / Start chatting in seconds">
  <form id="register-form" class="form" action="/user/createUser" method="post"
        accept-charset="UTF-8" data-mode="register" novalidate>
    <label class="field">
      <span class="field-label">用户名 / Name</span>
      <input type="text" name="name" required maxlength="64" autocomplete="username"
             autocapitalize="off" spellcheck="false" autofocus>
    </label>
    <label class="field">
      <span class="field-label">密码 / Password</span>
      <input type="password" name="password" required maxlength="128" autocomplete="new-password">
    </label>
    <label class="field">
      <span class="field-label">确认密码 / Repeat password</span>
      <input type="password" name="Identity" required maxlength="128" autocomplete="new-password">
    </label>
    <@layout.alert id="form-alert"/>
    <button type="submit" class="btn btn-primary btn-block">注册 / Register</button>
  </form>
  <p class="switch">已有账号？ / Already registered? <a href="/index">登录 / Sign in</a></p>
</@layout.authCard>
</@layout.page>
