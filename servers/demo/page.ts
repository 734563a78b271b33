import { DEMO_ROUTES } from '../contract/demo-protocol.js';

/**
 * The page's fixed skeleton. Its words are English defaults marked data-i18n, which the page's script
 * replaces when the language is switched; the lanes, counters and timelines are built by the script.
 * `data-wire` marks text that is shown as it is in every language: bytes captured from the wire (the raw
 * handshake, its key and accept values) and addresses.
 */
export function renderPage(): string {
  return (
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pushbench · classroom demo</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${DEMO_ROUTES.style}">
<script type="module" src="${DEMO_ROUTES.script}"></script>
</head>
<body data-role="loading">
<div class="stage">
<header class="top">
  <div class="titles">
    <h1 data-i18n="page.title">Can the server speak first?</h1>
    <p class="subtitle" data-i18n="page.subtitle">The same messages through every lane — each request, byte and millisecond counted on the wire</p>
  </div>
  <div class="top-right">
    <a class="top-link" id="to-handshake" href="#handshake"><span data-i18n="nav.handshake">Handshake</span> <kbd>H</kbd></a>
    <button type="button" id="projector-toggle"><span data-i18n="projector.on">Projector view</span> <kbd>V</kbd></button>
    <a class="join-mini" id="join-mini" hidden href="#details"><img alt="" width="84" height="84"><span id="join-mini-url" data-wire></span></a>
    <span class="badge" id="role-badge"></span>
    <button type="button" id="lang-switch" data-i18n="lang.switch">中文</button>
  </div>
</header>

<section class="controls" id="controls">
  <form class="control push" id="push-form" autocomplete="off">
    <label for="push-text" data-i18n="push.label">Message</label>
    <input id="push-text" maxlength="200" data-i18n-placeholder="push.placeholder" value="hello">
    <select id="push-to" aria-label="recipient"><option value="" data-i18n="push.everyone">to everyone</option></select>
    <button type="submit" class="primary"><span data-i18n="push.button">Push</span> <kbd class="teacher-only">P</kbd></button>
    <output id="push-result" role="status"></output>
  </form>
  <div class="control teacher-only">
    <label for="ticker-rate"><span data-i18n="ticker.label">Ticker</span> <output id="ticker-rate-value"></output></label>
    <input type="range" id="ticker-rate" min="0" step="1">
    <button type="button" id="pause" data-i18n="ticker.pause">Pause</button>
  </div>
  <div class="control teacher-only">
    <label for="poll-interval"><span data-i18n="poll.label">Poll every</span> <output id="poll-interval-value"></output></label>
    <input type="range" id="poll-interval" min="0" step="1">
  </div>
  <div class="control teacher-only">
    <label for="network-delay"><span data-i18n="delay.label">Network delay</span> <output id="network-delay-value"></output></label>
    <input type="range" id="network-delay" min="0" step="1">
  </div>
  <div class="control teacher-only" id="php-workers-control" hidden>
    <label for="php-workers"><span data-i18n="php.workers.label">PHP workers</span> <output id="php-workers-value"></output></label>
    <input type="range" id="php-workers" min="0" step="1">
  </div>
  <label class="control teacher-only check"><input type="checkbox" id="block-ws"> <span data-i18n="block.label">Block WebSocket</span> ` +
    `<kbd>B</kbd></label>
  <details class="control teacher-only lanes-menu" id="lanes-menu">
    <summary><span data-i18n="lanes.label">Lanes</span> <kbd>1</kbd>–<kbd id="lanes-last">5</kbd></summary>
    <div class="lanes-toggle" id="lane-toggles"></div>
  </details>
  <button type="button" class="control teacher-only" id="reset" data-i18n="reset.button">Reset</button>
  <form class="control student-only token" id="token-form" autocomplete="off">
    <input type="password" id="token-input" data-i18n-placeholder="token.placeholder" aria-label="teacher token">
    <button type="submit" data-i18n="token.button">I am the teacher</button>
  </form>
  <output id="settings-result" role="status"></output>
</section>

<section class="join-screen" id="join-screen" hidden>
  <h2 data-i18n="join.pick">Pick a lane to join as one more client</h2>
  <label class="join-name"><span data-i18n="join.name">Your name</span> <input id="join-name" maxlength="32"></label>
  <div class="join-lanes" id="join-lanes"></div>
  <output id="join-result" class="bad" role="status"></output>
</section>

<main class="lanes" id="lanes"></main>
<p class="shortcut-strip" id="shortcut-strip" aria-hidden="true"></p>
</div>

<section class="details" id="details">
  <section class="panel handshake empty" id="handshake">
    <h2 data-i18n="handshake.title">The WebSocket handshake of this page</h2>
    <p class="hs-none" data-i18n="handshake.none">No WebSocket handshake yet.</p>
    <div class="hs-body">
      <div class="hs-raw">
        <figure><figcaption data-i18n="handshake.request">Request</figcaption><pre data-hs="request" data-wire></pre></figure>
        <figure><figcaption data-i18n="handshake.response">Response</figcaption><pre data-hs="response" data-wire></pre></figure>
      </div>
      <h3 data-i18n="handshake.derive">How Sec-WebSocket-Accept is derived from Sec-WebSocket-Key</h3>
      <ol class="hs-steps">
        <li><span data-i18n="handshake.step.key">key</span><code data-hs="key" data-wire></code></li>
        <li><span data-i18n="handshake.step.concat">key + GUID</span><code data-hs="concat" data-wire></code></li>
        <li><span data-i18n="handshake.step.sha1">SHA-1</span><code data-hs="sha1" data-wire></code></li>
        <li><span data-i18n="handshake.step.base64">base64</span><code data-hs="accept-computed" data-wire></code></li>
        <li><span data-i18n="handshake.step.server">server</span><code data-hs="accept-server" data-wire></code> <strong ` +
    `data-hs="match"></strong></li>
      </ol>
      <p data-hs="protocol"></p>
      <p data-hs="extensions"></p>
      <p data-hs="version"></p>
    </div>
  </section>
  <div class="side-panels">
    <section class="panel keys" id="keys">
      <h2 data-i18n="keys.title">Keyboard</h2>
      <dl id="keys-list"></dl>
    </section>
    <section class="panel presence" id="presence">
      <h2 data-i18n="presence.title">Who is online</h2>
      <dl id="presence-list"></dl>
    </section>
    <section class="panel join" id="join-panel" hidden>
      <h2 data-i18n="join.title">Join from your phone</h2>
      <p data-i18n="join.hint">Same Wi-Fi, then scan or type:</p>
      <img id="join-qr" alt="QR code of the join address" width="260" height="260">
      <p class="join-url" id="join-url" data-wire></p>
    </section>
  </div>
</section>
<noscript>This demo needs JavaScript: its lanes are the page's own clients.</noscript>
</body>
</html>
`
  );
}
