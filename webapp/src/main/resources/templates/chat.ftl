<#ftl output_format="HTML">
<#-- The chat client (GET /toChat, logged-in users only). Model: title, userName, userId.
     Only the page's frame is here; the scripts fill it in (textContent only, never HTML from data):
       api.js       requests, uploads, bilingual server messages, URL checks, avatars
       emoji.js     the emoji and sticker sets
       messages.js  reading frames, the DOM of a message
       recorder.js  voice clips (MediaRecorder)
       dialogs.js   add friend, create / join a group, profile
       chat/main.js the client itself, as ES modules (docs/web-client.md): protocol v2 connection with
                    resume, sending with acks and retries, history, receipts and typing, unread counts
     Layout: sidebar (conversations) + conversation pane side by side on a desktop; one of them at a
     time on a phone (.show-conv says which). -->
<#import "layout.ftl" as layout>
<@layout.page pageTitle=(title!"michat") bodyClass="chat"
    scripts=["api.js", "emoji.js", "messages.js", "recorder.js", "dialogs.js"] modules=["chat/main.js"]>
<div class="app" id="app" data-user-id="${(userId!0)?c}" data-user-name="${userName!""}">

  <aside class="sidebar" aria-label="会话 / Conversations">
    <header class="side-head">
      <button type="button" class="me" id="me-button" title="个人资料 / Profile" aria-haspopup="dialog" data-dialog="dlg-profile">
        <span class="avatar" id="me-avatar" aria-hidden="true"></span>
        <span class="me-text">
          <strong class="me-name" id="me-name">${userName!""}</strong>
          <span class="conn" id="conn" data-state="connecting" role="status" aria-live="polite">
            <span class="conn-dot" aria-hidden="true"></span><span class="conn-text" id="conn-text">连接中… / Connecting…</span>
          </span>
        </span>
      </button>
      <div class="side-actions">
        <button type="button" class="icon-btn" id="new-button" title="添加好友或群聊 / Add a friend or group"
                aria-haspopup="menu" aria-expanded="false" aria-controls="new-menu">
          <@layout.icon name="plus"/><span class="sr-only">添加 / Add</span>
        </button>
        <button type="button" class="icon-btn" id="logout" title="退出 / Log out">
          <@layout.icon name="logout"/><span class="sr-only">退出 / Log out</span>
        </button>
      </div>
      <div class="menu" id="new-menu" role="menu" hidden>
        <button type="button" role="menuitem" data-dialog="dlg-friend"><@layout.icon name="user-plus"/>添加好友 / Add friend</button>
        <button type="button" role="menuitem" data-dialog="dlg-create"><@layout.icon name="users"/>创建群聊 / New group</button>
        <button type="button" role="menuitem" data-dialog="dlg-join"><@layout.icon name="login"/>加入群聊 / Join a group</button>
        <button type="button" role="menuitem" data-dialog="dlg-profile"><@layout.icon name="settings"/>个人资料 / Profile</button>
      </div>
    </header>

    <div class="side-search">
      <@layout.icon name="search" cls="search-icon"/>
      <label class="sr-only" for="filter">搜索会话 / Search conversations</label>
      <input type="search" id="filter" placeholder="搜索 / Search" autocomplete="off" spellcheck="false">
    </div>

    <nav class="conv-list" id="conv-list" aria-label="好友和群聊 / Friends and groups"></nav>

    <div class="list-empty" id="list-empty" hidden>
      <p>还没有好友或群聊<br><span class="muted">No friends or groups yet</span></p>
      <button type="button" class="btn btn-primary btn-small" data-dialog="dlg-friend">添加好友 / Add friend</button>
      <button type="button" class="btn btn-ghost btn-small" data-dialog="dlg-join">加入群聊 / Join a group</button>
    </div>
  </aside>

  <main class="pane" id="pane">
    <div class="conn-banner" id="conn-banner" role="status" hidden>
      <@layout.icon name="alert"/>
      <span id="conn-banner-text">连接已断开 / Disconnected</span>
      <button type="button" class="btn btn-small btn-ghost" id="reconnect-now">立即重连 / Retry now</button>
    </div>

    <section class="welcome" id="welcome">
      <img src="/asset/images/logo.svg" alt="" width="88" height="88">
      <h1>你好，${userName!""}</h1>
      <p class="muted">选择一个会话开始聊天<br>Pick a conversation to start chatting</p>
    </section>

    <section class="conversation" id="conversation" aria-labelledby="conv-name" hidden>
      <header class="conv-head">
        <button type="button" class="icon-btn back" id="back" title="返回 / Back">
          <@layout.icon name="back"/><span class="sr-only">返回 / Back</span>
        </button>
        <span class="avatar" id="conv-avatar" aria-hidden="true"></span>
        <div class="conv-title">
          <h2 id="conv-name"></h2>
          <span class="conv-sub" id="conv-sub"></span>
        </div>
      </header>

      <div class="messages" id="messages" tabindex="0" aria-label="消息 / Messages">
        <p class="history-state" id="history-state"></p>
        <ol class="message-list" id="message-list" role="log" aria-live="polite"></ol>
      </div>
      <button type="button" class="jump" id="jump" hidden>
        <@layout.icon name="down"/><span id="jump-text">新消息 / New messages</span>
      </button>

      <footer class="composer" id="composer">
        <div class="emoji-panel" id="emoji-panel" hidden>
          <div class="tabs" role="tablist">
            <button type="button" role="tab" id="tab-emoji" aria-selected="true" aria-controls="emoji-grid">表情 / Emoji</button>
            <button type="button" role="tab" id="tab-stickers" aria-selected="false" aria-controls="sticker-grid">贴图 / Stickers</button>
          </div>
          <div class="emoji-grid" id="emoji-grid" role="tabpanel" aria-labelledby="tab-emoji"></div>
          <div class="sticker-grid" id="sticker-grid" role="tabpanel" aria-labelledby="tab-stickers" hidden></div>
        </div>

        <div class="recorder" id="recorder" hidden>
          <span class="rec-dot" aria-hidden="true"></span>
          <span class="rec-label">录音中 / Recording</span>
          <span class="rec-time" id="rec-time">0:00</span>
          <button type="button" class="btn btn-ghost btn-small" id="rec-cancel">取消 / Cancel</button>
          <button type="button" class="btn btn-primary btn-small" id="rec-send">发送 / Send</button>
        </div>

        <form class="composer-row" id="composer-form" autocomplete="off">
          <button type="button" class="icon-btn" id="emoji-button" title="表情 / Emoji and stickers"
                  aria-expanded="false" aria-controls="emoji-panel">
            <@layout.icon name="smile"/><span class="sr-only">表情 / Emoji</span>
          </button>
          <button type="button" class="icon-btn" id="image-button" title="发送图片 / Send an image">
            <@layout.icon name="image"/><span class="sr-only">图片 / Image</span>
          </button>
          <input type="file" id="image-input" class="sr-only" tabindex="-1"
                 accept="image/png,image/jpeg,image/gif,image/webp,image/bmp" multiple>
          <button type="button" class="icon-btn" id="voice-button" title="录音 / Record a voice message">
            <@layout.icon name="mic"/><span class="sr-only">语音 / Voice</span>
          </button>
          <label class="sr-only" for="input">消息 / Message</label>
          <textarea id="input" rows="1" maxlength="4096" enterkeyhint="send"
                    placeholder="输入消息 / Message" title="Enter 发送，Shift+Enter 换行 / Enter sends, Shift+Enter adds a line"></textarea>
          <button type="submit" class="send" id="send-button" title="发送 (Enter) / Send (Enter)">
            <@layout.icon name="send"/><span class="sr-only">发送 / Send</span>
          </button>
        </form>
      </footer>
    </section>
  </main>
</div>

<#-- Dialogs (native <dialog>). Their forms post the seed's routes; dialogs.js takes over the submit. -->
<dialog class="dialog" id="dlg-friend" aria-labelledby="dlg-friend-title">
  <form class="form" id="friend-form" action="/contact/addfriend" method="post" novalidate>
    <h2 id="dlg-friend-title">添加好友 / Add friend</h2>
    <label class="field">
      <span class="field-label">用户名 / Name</span>
      <input type="text" name="targetName" required maxlength="64" autocapitalize="off" spellcheck="false"
             placeholder="对方的用户名 / Their user name">
    </label>
    <@layout.alert id="friend-alert"/>
    <div class="dialog-actions">
      <button type="button" class="btn btn-ghost" data-close>取消 / Cancel</button>
      <button type="submit" class="btn btn-primary">添加 / Add</button>
    </div>
  </form>
</dialog>

<dialog class="dialog" id="dlg-create" aria-labelledby="dlg-create-title">
  <form class="form" id="create-form" action="/contact/createCommunity" method="post" novalidate>
    <h2 id="dlg-create-title">创建群聊 / New group</h2>
    <div class="avatar-pick">
      <span class="avatar avatar-group avatar-large" id="create-icon-preview" aria-hidden="true"></span>
      <label class="btn btn-ghost btn-small">
        群头像 / Group picture
        <input type="file" class="sr-only" id="create-icon-file" accept="image/png,image/jpeg,image/gif,image/webp,image/bmp">
      </label>
    </div>
    <input type="hidden" name="icon" value="">
    <label class="field">
      <span class="field-label">群名称 / Group name</span>
      <input type="text" name="name" required maxlength="64">
    </label>
    <label class="field">
      <span class="field-label">群简介 / Description <span class="muted">(可选 / optional)</span></span>
      <textarea name="desc" rows="2" maxlength="1024"></textarea>
    </label>
    <@layout.alert id="create-alert"/>
    <div class="dialog-actions">
      <button type="button" class="btn btn-ghost" data-close>取消 / Cancel</button>
      <button type="submit" class="btn btn-primary">创建 / Create</button>
    </div>
  </form>
</dialog>

<dialog class="dialog" id="dlg-join" aria-labelledby="dlg-join-title">
  <form class="form" id="join-form" action="/contact/joinGroup" method="post" novalidate>
    <h2 id="dlg-join-title">加入群聊 / Join a group</h2>
    <label class="field">
      <span class="field-label">群号或群名 / Group ID or name</span>
      <input type="text" name="comId" required maxlength="64" autocapitalize="off" spellcheck="false">
    </label>
    <@layout.alert id="join-alert"/>
    <div class="dialog-actions">
      <button type="button" class="btn btn-ghost" data-close>取消 / Cancel</button>
      <button type="submit" class="btn btn-primary">加入 / Join</button>
    </div>
  </form>
</dialog>

<dialog class="dialog" id="dlg-profile" aria-labelledby="dlg-profile-title">
  <form class="form" id="profile-form" action="/user/updateUser" method="post" novalidate>
    <h2 id="dlg-profile-title">个人资料 / Profile</h2>
    <div class="avatar-pick">
      <span class="avatar avatar-large" id="profile-avatar" aria-hidden="true"></span>
      <label class="btn btn-ghost btn-small">
        更换头像 / Change picture
        <input type="file" class="sr-only" id="profile-avatar-file" accept="image/png,image/jpeg,image/gif,image/webp,image/bmp">
      </label>
    </div>
    <input type="hidden" name="icon" value="">
    <label class="field">
      <span class="field-label">用户名 / Name</span>
      <input type="text" name="name" maxlength="64" autocomplete="username" autocapitalize="off" spellcheck="false">
    </label>
    <div class="field-row">
      <label class="field">
        <span class="field-label">手机 / Phone</span>
        <input type="text" name="phone" inputmode="tel" maxlength="11" autocomplete="tel" placeholder="13800138000">
      </label>
      <label class="field">
        <span class="field-label">邮箱 / E-mail</span>
        <input type="text" name="email" inputmode="email" maxlength="254" autocomplete="email" placeholder="you@example.com">
      </label>
    </div>
    <div class="field-row">
      <label class="field">
        <span class="field-label">当前密码 / Current password</span>
        <input type="password" name="currentPassword" maxlength="128" autocomplete="current-password" placeholder="改密码时填写 / To change the password">
      </label>
    </div>
    <div class="field-row">
      <label class="field">
        <span class="field-label">新密码 / New password</span>
        <input type="password" name="password" maxlength="128" autocomplete="new-password" placeholder="留空不改 / Keep blank">
      </label>
      <label class="field">
        <span class="field-label">确认新密码 / Repeat</span>
        <input type="password" name="repeat" maxlength="128" autocomplete="new-password">
      </label>
    </div>
    <p class="muted small">空白的项目保持不变 / Empty fields stay as they are.</p>
    <@layout.alert id="profile-alert"/>
    <div class="dialog-actions">
      <button type="button" class="btn btn-ghost" data-close>关闭 / Close</button>
      <button type="submit" class="btn btn-primary">保存 / Save</button>
    </div>
  </form>
</dialog>

<dialog class="lightbox" id="lightbox" aria-label="图片 / Image">
  <img id="lightbox-img" alt="图片 / Image">
  <button type="button" class="icon-btn lightbox-close" data-close title="关闭 / Close">
    <@layout.icon name="close"/><span class="sr-only">关闭 / Close</span>
  </button>
</dialog>

<div class="toast" id="toast" role="status" aria-live="polite" hidden></div>
</@layout.page>
