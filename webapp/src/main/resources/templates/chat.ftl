<#ftl output_format="HTML">
<#-- Chat placeholder page (GET /toChat, logged-in users only).
     Model: title (string), userName (string), userId (number). Logic: /asset/js/home.js
     data-user-id lets home.js know who is signed in without another request. -->
<#import "layout.ftl" as layout>
<@layout.page pageTitle=(title!"michat") bodyClass="home" scripts=["api.js", "home.js"]>
<header class="topbar">
  <@layout.brand/>
  <div class="topbar-user" id="me" data-user-id="${(userId!0)?c}">
    <#-- home.js fills in the initial (code-point aware, so emoji and rare CJK stay whole). -->
    <span class="avatar" id="me-avatar" aria-hidden="true"></span>
    <span class="topbar-who">
      <span class="muted small">已登录 / Signed in as</span>
      <strong class="topbar-name">${userName!""}</strong>
    </span>
    <button type="button" id="logout" class="btn btn-ghost">退出 / Log out</button>
  </div>
</header>

<main class="home-main">
  <section class="notice">
    <h1>你好，${userName!""}！</h1>
    <p>聊天客户端将在后续版本中推出。现在你可以先添加好友、创建或加入群聊。</p>
    <p class="muted">The chat client arrives in a later version. Meanwhile you can add friends and create or join groups.</p>
  </section>

  <div class="panels">
    <#-- Friends -->
    <section class="card panel" aria-labelledby="friends-title">
      <div class="panel-head">
        <h2 id="friends-title">好友 / Friends <span class="count" id="friends-count"></span></h2>
        <button type="button" class="btn btn-ghost btn-small" id="friends-refresh">刷新 / Refresh</button>
      </div>
      <form id="addfriend-form" class="inline-form" action="/contact/addfriend" method="post" novalidate>
        <label class="sr-only" for="targetName">好友用户名 / Friend's name</label>
        <input type="text" id="targetName" name="targetName" required maxlength="64"
               placeholder="好友用户名 / Friend's name" autocapitalize="off" spellcheck="false">
        <button type="submit" class="btn btn-primary">添加 / Add</button>
      </form>
      <@layout.alert id="friends-alert"/>
      <ul class="list" id="friends-list" aria-live="polite"></ul>
    </section>

    <#-- Groups -->
    <section class="card panel" aria-labelledby="groups-title">
      <div class="panel-head">
        <h2 id="groups-title">我的群 / My groups <span class="count" id="groups-count"></span></h2>
        <button type="button" class="btn btn-ghost btn-small" id="groups-refresh">刷新 / Refresh</button>
      </div>
      <ul class="list" id="groups-list" aria-live="polite"></ul>
      <@layout.alert id="groups-alert"/>

      <details class="sub" open>
        <summary>加入群 / Join a group</summary>
        <form id="joingroup-form" class="inline-form" action="/contact/joinGroup" method="post" novalidate>
          <label class="sr-only" for="comId">群号或群名 / Group ID or name</label>
          <input type="text" id="comId" name="comId" required maxlength="64"
                 placeholder="群号或群名 / Group ID or name" autocapitalize="off" spellcheck="false">
          <button type="submit" class="btn btn-primary">加入 / Join</button>
        </form>
      </details>

      <details class="sub">
        <summary>创建群 / Create a group</summary>
        <form id="creategroup-form" class="form" action="/contact/createCommunity" method="post" novalidate>
          <label class="field">
            <span class="field-label">群名称 / Group name</span>
            <input type="text" name="name" required maxlength="64">
          </label>
          <label class="field">
            <span class="field-label">群简介 / Description <span class="muted">(可选 / optional)</span></span>
            <textarea name="desc" rows="2" maxlength="1024"></textarea>
          </label>
          <button type="submit" class="btn btn-primary">创建 / Create</button>
        </form>
      </details>
    </section>
  </div>
</main>
</@layout.page>
