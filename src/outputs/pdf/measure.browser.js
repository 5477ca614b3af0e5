// Runs in the print page (page.evaluate, as a string) of the print interior
// and the cover wrap, after the tables are fitted and before Chromium
// prints: what the print report needs to know of the laid-out page.
//   images: every picture with its pixels and the size it is shown at, in
//     CSS px (96 to the inch), as object-fit places it in its box;
//   outside: elements that stick out of the text column (or, with `boxes`,
//     text outside the safe boxes or inside the areas to keep clear), and
//     code blocks whose lines are cut off.
// Arguments: { width: text column in CSS px, or none; boxes: { safe: [{x, y,
// width, height}], clear: [{…}] } in CSS px of the page, or none }.
(options) => {
  const body = document.body;
  const saved = body.style.width;
  if (options.width) body.style.width = `${options.width}px`;
  const snippet = (el) => (el.textContent || el.getAttribute('alt') || '').replace(/\s+/g, ' ').trim().slice(0, 60);
  const images = [];
  for (const img of Array.from(document.images)) {
    if (!img.complete || !img.naturalWidth || !img.naturalHeight) continue;
    const box = img.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) continue;
    const fit = getComputedStyle(img).objectFit;
    const sx = box.width / img.naturalWidth;
    const sy = box.height / img.naturalHeight;
    const scale = fit === 'contain' || fit === 'scale-down' ? Math.min(sx, sy, fit === 'scale-down' ? 1 : Infinity) : fit === 'cover' ? Math.max(sx, sy) : fit === 'none' ? 1 : Math.min(sx, sy);
    images.push({ src: img.getAttribute('src') || '', naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, shownWidth: img.naturalWidth * scale, shownHeight: img.naturalHeight * scale });
  }
  const outside = [];
  const column = options.width ? body.getBoundingClientRect() : undefined;
  if (column) {
    for (const el of Array.from(document.querySelectorAll('.print-article *'))) {
      if (el.closest('.full-bleed, .print-anchors, .running-head-text')) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      if (r.right > column.right + 1 || r.left < column.left - 1) {
        // One report per element that sticks out, not one for each of its children.
        if (!outside.some((o) => o.el.contains(el))) outside.push({ el, kind: 'outside', by: Math.round(Math.max(r.right - column.right, column.left - r.left)) });
      }
    }
    for (const pre of Array.from(document.querySelectorAll('.article-body pre'))) {
      if (pre.scrollWidth > pre.clientWidth + 1) outside.push({ el: pre, kind: 'cut', by: Math.round(pre.scrollWidth - pre.clientWidth) });
    }
  }
  if (options.boxes) {
    const within = (r, b) => r.left >= b.x - 0.5 && r.top >= b.y - 0.5 && r.right <= b.x + b.width + 0.5 && r.bottom <= b.y + b.height + 0.5;
    const meets = (r, b) => r.left < b.x + b.width && r.right > b.x && r.top < b.y + b.height && r.bottom > b.y;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.nodeValue.trim()) continue;
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      const el = node.parentElement;
      if (!options.boxes.safe.some((b) => within(r, b))) outside.push({ el, kind: 'unsafe', by: 0 });
      else if (options.boxes.clear.some((b) => meets(r, b))) outside.push({ el, kind: 'clear', by: 0 });
    }
  }
  body.style.width = saved;
  return { images, outside: outside.map((o) => ({ kind: o.kind, tag: o.el.tagName.toLowerCase(), text: snippet(o.el), line: Number(o.el.closest('[data-line]')?.getAttribute('data-line')) || undefined, by: o.by })) };
};
