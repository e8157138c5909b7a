<#ftl output_format="HTML" strip_whitespace=true>
<#-- Shared layout for every michat page. Import with: <#import "layout.ftl" as layout>
     Auto-escaping (output_format="HTML") applies to everything printed here; each page
     template declares the same header so its own ${...} output is escaped too. -->

<#-- page: the HTML document shell.
     pageTitle  text for <title>
     bodyClass  CSS class on <body> ("auth" or "home")
     scripts    file names under /asset/js/, loaded with defer in the given order
     modules    ES modules under /asset/js/ (type="module": deferred too, run after the scripts above)
     No inline scripts or styles anywhere, so a strict Content-Security-Policy holds.
     assetVersion (optional model value) is appended to asset URLs so a new release is never served
     from a stale browser cache. -->
<#macro page pageTitle bodyClass="" scripts=[] modules=[]>
<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <meta name="referrer" content="same-origin">
  <title>${pageTitle}</title>
  <link rel="icon" href="/asset/images/favicon.ico" sizes="16x16 32x32">
  <link rel="icon" href="/asset/images/logo.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/asset/css/michat.css<@v/>">
  <#list scripts as script>
  <script src="/asset/js/${script}<@v/>" defer></script>
  </#list>
  <#list modules as module>
  <script type="module" src="/asset/js/${module}<@v/>"></script>
  </#list>
</head>
<body class="${bodyClass}">
<noscript><p class="alert alert-error noscript">请启用 JavaScript 后使用 michat / Please enable JavaScript to use michat.</p></noscript>
<#nested>
</body>
</html>
</#macro>

<#-- v: the cache-busting query of asset URLs (empty without assetVersion). -->
<#macro v><#if assetVersion?has_content>?v=${assetVersion}</#if></#macro>

<#-- icon: a decorative icon from the sprite /asset/images/icons.svg. -->
<#macro icon name cls="">
<svg class="icon<#if cls?has_content> ${cls}</#if>" aria-hidden="true" focusable="false"><use href="/asset/images/icons.svg#${name}"/></svg>
</#macro>

<#-- brand: logo mark + product name, used at the top of every page. -->
<#macro brand>
<div class="brand">
  <img class="brand-logo" src="/asset/images/logo.svg" alt="" width="36" height="36">
  <span class="brand-name">michat</span>
</div>
</#macro>

<#-- alert: the message area scripts write into (textContent only). Hidden until used. -->
<#macro alert id>
<p id="${id}" class="alert" role="status" aria-live="polite" hidden></p>
</#macro>

<#-- authCard: the centered card used by the login and register pages. -->
<#macro authCard heading subheading>
<main class="auth-wrap">
  <section class="card auth-card">
    <@brand/>
    <h1 class="auth-title">${heading}</h1>
    <p class="muted auth-sub">${subheading}</p>
    <#nested>
  </section>
  <p class="footnote muted">michat &middot; 简单、安全的即时通讯 / simple, secure messaging</p>
</main>
</#macro>
