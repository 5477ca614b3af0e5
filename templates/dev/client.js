// anthology dev: reloads the page when the book was rebuilt, shows the build's
// state and warnings, and links to the print preview. The dev server adds it
// to the pages it serves; the built site never contains it.
(() => {
  'use strict';
  const script = document.currentScript;
  const mode = (script && script.dataset.mode) || 'site';
  const print = script && script.dataset.print;
  const scrollKey = 'anthology-dev-scroll:' + location.pathname + location.search;

  // ---- Reloading, keeping the place on the page --------------------------------
  let reloading = false;
  function reload() {
    if (reloading) return;
    reloading = true;
    // The error page keeps the place of the page it stands in for.
    if (mode !== 'error' && mode !== 'missing') {
      try {
        sessionStorage.setItem(scrollKey, JSON.stringify([scrollX, scrollY]));
      } catch (e) {
        /* storage refused: reload at the top */
      }
    }
    location.reload();
  }
  function restoreScroll() {
    let saved;
    try {
      saved = sessionStorage.getItem(scrollKey);
      sessionStorage.removeItem(scrollKey);
    } catch (e) {
      return;
    }
    if (!saved) return;
    const [x, y] = JSON.parse(saved);
    scrollTo(x, y);
  }
  if (mode === 'site') {
    if (document.readyState === 'complete') restoreScroll();
    else addEventListener('load', restoreScroll, { once: true });
  } else if (mode === 'print') {
    addEventListener('anthology:print-ready', restoreScroll, { once: true });
  }

  // ---- The badge ----------------------------------------------------------------
  const host = document.createElement('anthology-dev');
  host.setAttribute('style', 'all: initial; position: fixed; z-index: 2147483647; right: 16px; bottom: 16px;');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `
<style>
  :host { --paper: #fdfcf8; --ink: #1f1d1a; --soft: #5b564f; --faint: #716a60; --rule: #e4dfd5; --accent: #a33a23; --warn: #8f5a0f; --ok: #4f7a4a; }
  @media (prefers-color-scheme: dark) {
    :host { --paper: #221f1c; --ink: #ece6da; --soft: #b6afa3; --faint: #958e83; --rule: #3a3631; --accent: #e8866f; --warn: #e0b050; --ok: #8fbf7f; }
  }
  * { box-sizing: border-box; }
  .wrap { display: flex; flex-direction: column; align-items: flex-end; gap: 8px; font: 500 12.5px/1.4 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", sans-serif; color: var(--ink); }
  .pill { display: flex; align-items: stretch; background: var(--paper); border: 1px solid var(--rule); border-radius: 999px; box-shadow: 0 1px 2px rgb(0 0 0 / 0.06), 0 6px 18px rgb(0 0 0 / 0.10); overflow: hidden; }
  .pill > * { display: flex; align-items: center; gap: 7px; padding: 6px 12px; border: 0; background: none; color: inherit; font: inherit; text-decoration: none; cursor: default; white-space: nowrap; }
  .pill > * + * { border-left: 1px solid var(--rule); }
  .pill a, .pill button.toggle { cursor: pointer; }
  .pill a:hover, .pill button.toggle:hover { background: color-mix(in srgb, var(--accent) 8%, transparent); color: var(--accent); }
  .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--ok); flex: none; }
  .state-building .dot { background: var(--accent); animation: pulse 0.9s ease-in-out infinite alternate; }
  .state-warn .dot { background: var(--warn); }
  .state-error .dot { background: var(--accent); }
  .state-offline .dot { background: var(--faint); }
  .label { color: var(--soft); }
  .state-warn .label { color: var(--ink); }
  .print svg { width: 14px; height: 14px; }
  .panel { width: min(34rem, calc(100vw - 32px)); max-height: min(60vh, 28rem); overflow: auto; background: var(--paper); border: 1px solid var(--rule); border-radius: 10px; box-shadow: 0 8px 30px rgb(0 0 0 / 0.14); padding: 10px 14px 12px; }
  .panel[hidden] { display: none; }
  .panel h2 { margin: 2px 0 8px; font-size: 11px; letter-spacing: 0.12em; text-transform: uppercase; color: var(--faint); font-weight: 600; }
  .panel ol { list-style: none; margin: 0; padding: 0; }
  .panel li { padding: 7px 0; border-top: 1px solid var(--rule); font-weight: 400; line-height: 1.45; }
  .panel li:first-child { border-top: 0; }
  .where { display: block; font: 500 11.5px/1.4 "JetBrains Mono", ui-monospace, Menlo, Consolas, monospace; color: var(--warn); overflow-wrap: anywhere; }
  .rule { color: var(--faint); font-size: 11px; white-space: nowrap; }
  @keyframes pulse { from { opacity: 1; } to { opacity: 0.3; } }
  @media print { .wrap { display: none; } }
</style>
<aside class="wrap" aria-label="anthology dev">
  <div class="panel" hidden><h2>Warnings</h2><ol></ol></div>
  <div class="pill">
    <button class="status toggle" type="button" title="anthology dev"><span class="dot"></span><span class="label">Connecting…</span></button>
  </div>
</aside>`;
  const pill = root.querySelector('.pill');
  const statusButton = root.querySelector('.status');
  const label = root.querySelector('.label');
  const panel = root.querySelector('.panel');
  const list = root.querySelector('ol');
  if (print && mode === 'site') {
    const a = document.createElement('a');
    a.className = 'print';
    a.href = print;
    a.title = print.endsWith('/') ? 'The book with its pages, as the PDF lays it out' : 'This article with its pages, as its PDF lays it out';
    a.innerHTML = '<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.4" aria-hidden="true"><path d="M4 6V1.5h8V6M4 12H2.5A1 1 0 0 1 1.5 11V7a1 1 0 0 1 1-1h11a1 1 0 0 1 1 1v4a1 1 0 0 1-1 1H12"/><path d="M4 9.5h8v5H4z"/></svg>';
    a.append(print.endsWith('/') ? 'Print preview (book)' : 'Print preview');
    pill.append(a);
  }
  statusButton.addEventListener('click', () => {
    if (list.children.length) panel.hidden = !panel.hidden;
  });

  function show(state, text, title) {
    pill.className = 'pill state-' + state;
    label.textContent = text;
    statusButton.title = title || text;
    host.dataset.state = state;
  }

  function render(status) {
    list.replaceChildren();
    for (const w of status.warnings || []) {
      const li = document.createElement('li');
      if (w.where) {
        const where = document.createElement('span');
        where.className = 'where';
        where.textContent = w.where;
        li.append(where);
      }
      li.append(w.message + ' ');
      const rule = document.createElement('span');
      rule.className = 'rule';
      rule.textContent = '[' + w.rule + ']';
      li.append(rule);
      list.append(li);
    }
    if (!list.children.length) panel.hidden = true;
    const n = status.warningCount || 0;
    if (status.state === 'building') show('building', 'Rebuilding…');
    else if (status.state === 'error') show('error', status.errors === 1 ? '1 error' : status.errors + ' errors');
    else if (n) show('warn', n === 1 ? '1 warning' : n + ' warnings', 'Show the warnings of the last build');
    else show('ok', 'Live', 'Built without problems' + (status.ms !== undefined ? ' in ' + (status.ms / 1000).toFixed(1) + ' s' : '') + '; the page reloads when a file changes');
  }

  // ---- The server's events ---------------------------------------------------
  let session;
  const events = new EventSource('/__anthology/events');
  events.addEventListener('hello', (e) => {
    const data = JSON.parse(e.data);
    // A new server (restarted): what it serves may differ.
    if (session && session !== data.session) reload();
    session = data.session;
  });
  events.addEventListener('status', (e) => render(JSON.parse(e.data)));
  events.addEventListener('reload', reload);
  events.addEventListener('error', () => show('offline', 'Dev server stopped', 'The dev server is not running; this page reconnects when it is back'));
  addEventListener('pagehide', () => events.close());

  (document.body || document.documentElement).append(host);
})();
