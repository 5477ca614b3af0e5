// anthology dev: the print preview's side of Paged.js. Loaded before
// Paged.js's polyfill, which reads window.PagedConfig when the page is ready.
(() => {
  'use strict';
  const html = document.documentElement;
  const kind = html.dataset.kind;
  const started = performance.now();
  let pages = 0;
  let failed = false;

  window.__anthologyPrint = { done: false, pages: 0 };

  function countLabel(text) {
    const el = document.querySelector('.preview-count');
    if (el) el.textContent = text;
  }

  function fail(message) {
    if (failed) return;
    failed = true;
    html.classList.add('preview-failed');
    countLabel('Paged.js failed: ' + message);
    window.__anthologyPrint = { done: true, pages, error: message };
  }
  addEventListener('error', (e) => fail(e.message || String(e.error)));
  addEventListener('load', () => {
    if (!window.Paged) fail('Paged.js is not installed here (npm install puts it in node_modules/pagedjs)');
  });
  addEventListener('unhandledrejection', (e) => fail((e.reason && e.reason.message) || String(e.reason)));

  // ---- Which pages show running heads and page numbers ------------------------
  // As in the PDFs: none on the front matter (the book's cover, title page,
  // imprint and contents), on the first page of an article, or on a blank page.
  function register() {
    class AnthologyPages extends window.Paged.Handler {
      afterPageLayout(pageElement) {
        pages++;
        if (pages % 10 === 0) countLabel('Laying out pages… ' + pages);
        const content = pageElement.querySelector('.pagedjs_page_content');
        const opening = content && content.querySelector('.opening');
        const inArticle = content && content.querySelector('.print-article, .preview-part');
        if (opening) pageElement.classList.add('preview-opening-page');
        if (kind === 'book' && !inArticle) pageElement.classList.add('preview-front-page');
      }
    }
    window.Paged.registerHandlers(AnthologyPages);
  }

  // ---- After the layout -------------------------------------------------------
  function fillContents() {
    // The contents: the page each article starts on, as the PDF's contents say.
    for (const link of document.querySelectorAll('.pagedjs_pages .toc-entry a[href^="#"]')) {
      let id;
      try {
        id = decodeURIComponent(link.getAttribute('href').slice(1));
      } catch (e) {
        continue;
      }
      const target = document.getElementById(id);
      const page = target && target.closest('.pagedjs_page');
      const number = link.querySelector('.toc-page');
      if (number) number.textContent = page ? page.dataset.pageNumber : '–';
    }
  }

  // ---- Layout controls: spreads or single pages, zoom --------------------------
  const store = {
    get(key, fallback) {
      try {
        return localStorage.getItem('anthology-print-' + key) || fallback;
      } catch (e) {
        return fallback;
      }
    },
    set(key, value) {
      try {
        localStorage.setItem('anthology-print-' + key, value);
      } catch (e) {
        /* not kept */
      }
    },
  };
  let view = store.get('view', kind === 'book' ? 'spreads' : 'single');
  let zoom = store.get('zoom', 'fit');

  function pagesWidth() {
    const first = document.querySelector('.pagedjs_page');
    if (!first) return 800;
    const w = first.getBoundingClientRect().width / (parseFloat(getComputedStyle(document.querySelector('.pagedjs_pages')).zoom) || 1);
    return view === 'spreads' ? 2 * w : w;
  }
  function applyLayout() {
    html.dataset.view = view;
    for (const b of document.querySelectorAll('button[data-view]')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
    const area = document.querySelector('.pagedjs_pages');
    if (!area) return;
    let scale = zoom === 'fit' ? Math.min(1, (innerWidth - 64) / pagesWidth()) : Number(zoom);
    if (!(scale > 0)) scale = 1;
    area.style.zoom = String(scale);
    const label = document.querySelector('.preview-zoom');
    if (label) label.textContent = zoom === 'fit' ? 'Fit' : Math.round(scale * 100) + '%';
  }
  function setZoom(action) {
    const area = document.querySelector('.pagedjs_pages');
    const current = area ? parseFloat(area.style.zoom) || 1 : 1;
    if (action === 'fit') zoom = 'fit';
    else zoom = String(Math.max(0.25, Math.min(2, Math.round((current + (action === 'in' ? 0.1 : -0.1)) * 10) / 10)));
    store.set('zoom', zoom);
    applyLayout();
  }
  document.addEventListener('click', (e) => {
    const button = e.target instanceof Element && e.target.closest('button');
    if (!button) return;
    if (button.dataset.view) {
      view = button.dataset.view;
      store.set('view', view);
      applyLayout();
    } else if (button.dataset.zoom) setZoom(button.dataset.zoom);
  });
  addEventListener('resize', () => {
    if (zoom === 'fit') applyLayout();
  });
  html.dataset.view = view;

  window.PagedConfig = {
    auto: true,
    before: register,
    after(flow) {
      if (failed) return;
      fillContents();
      // The pages are what the preview is for: its main landmark.
      const area = document.querySelector('.pagedjs_pages');
      if (area) area.setAttribute('role', 'main');
      const total = flow ? flow.total : pages;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      countLabel(total + (total === 1 ? ' page' : ' pages') + ' · ' + seconds + ' s');
      html.classList.add('preview-ready');
      applyLayout();
      window.__anthologyPrint = { done: true, pages: total };
      dispatchEvent(new Event('anthology:print-ready'));
    },
  };
})();
