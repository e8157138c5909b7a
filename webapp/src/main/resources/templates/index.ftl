<#ftl output_format="HTML">
<#-- Login page (GET / and GET /index). Model: title (string). Logic: /asset/js/auth.js -->
<#import "layout.ftl" as layout>
<@layout.page pageTitle=(title!"michat") bodyClass="auth" scripts=["api.js", "auth.js"]>
<@layout.authCard heading="登录 / Sign in" subheading="欢迎回来 / Welcome back">
  <#-- action/method keep the form meaningful without JS; auth.js takes over the submit. -->
  <form id="login-form" class="form" action="/user/findUserByNameAndPwd" method="post"
        accept-charset="UTF-8" data-mode="login" novalidate>
    <label class="field">
      <span class="field-label">用户名 / Name</span>
      <input type="text" name="name" required maxlength="64" autocomplete="username"
             autocapitalize="off" spellcheck="false" autofocus>
    </label>
    <label class="field">
      <span class="field-label">密码 / Password</span>
      <input type="password" name="password" required maxlength="128" autocomplete="current-password">
    </label>
    <@layout.alert id="form-alert"/>
    <button type="submit" class="btn btn-primary btn-block">登录 / Sign in</button>
  </form>
  <p class="switch">还没有账号？ / No account yet? <a href="/toRegister">注册 / Register</a></p>
</@layout.authCard>
</@layout.page>
