/**
 * Runs in the build's browser page (src/diagrams/render.ts): renders one
 * Mermaid diagram and returns it as a plain tree of SVG elements, nothing
 * but shapes and text — styles written out as presentation attributes (the
 * stylesheet Mermaid puts inside goes), no classes, scripts, event
 * handlers, links or foreignObject, and ids only where a marker needs one,
 * named after `prefix`. Its title and description (accTitle, accDescr) come
 * back beside it, for the text alternative. A diagram that Mermaid cannot
 * read comes back as its error.
 *
 * Kept as plain JavaScript: it is sent to the page as it is written.
 */
// eslint-disable-next-line no-unused-vars
async function renderDiagram(source, prefix, config) {
  const mermaid = window.mermaid;
  if (!window.__anthologyReady) {
    mermaid.initialize(config);
    window.__anthologyReady = true;
  }
  try {
    await mermaid.parse(source);
  } catch (error) {
    const hash = error && error.hash;
    const line = hash && hash.loc ? hash.loc.first_line : Number((/line (\d+)/.exec(String(error && error.message)) || [])[1]) || undefined;
    // Jison's message: "Parse error on line N:" (a line of Mermaid's own), the code, a caret, then what it expected.
    const lines = String((error && error.message) || error).split('\n').filter((l) => l.trim());
    const expecting = /^Expecting (.*), got '([^']*)'$/.exec(lines[lines.length - 1]);
    const tokens = expecting ? expecting[1].split(', ') : [];
    const message = expecting
      ? `unexpected ${expecting[2] === 'EOF' ? 'end of the diagram' : `'${expecting[2]}'`}, expected ${tokens.slice(0, 4).join(', ')}${tokens.length > 4 ? ' or another' : ''}`
      : lines[0].replace(/^Parse error on line \d+:?$/, 'a syntax error');
    return { error: message, line };
  }
  // Measure the labels in the book's fonts: load the faces their characters need first.
  await Promise.all([`16px "Source Serif 4"`, `16px "Noto Serif SC"`].map((font) => document.fonts.load(font, source).catch(() => [])));
  const work = document.getElementById('work');
  let svg;
  try {
    svg = (await mermaid.render(`${prefix}-d`, source, work)).svg;
  } catch (error) {
    return { error: String((error && error.message) || error).split('\n')[0] };
  }
  work.innerHTML = svg;
  const root = work.querySelector('svg');
  const title = root.querySelector(':scope > title');
  const desc = root.querySelector(':scope > desc');

  const PAINT = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin', 'fill-opacity', 'stroke-opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline'];
  const ELEMENTS = new Set(['svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'marker', 'defs']);
  const GEOMETRY = ['d', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'width', 'height', 'points', 'dx', 'dy', 'transform', 'viewBox', 'refX', 'refY', 'markerWidth', 'markerHeight', 'markerUnits', 'orient', 'marker-start', 'marker-mid', 'marker-end'];
  const hidden = (el) => {
    const cs = getComputedStyle(el);
    return cs.display === 'none' || cs.visibility === 'hidden';
  };

  // Labels drawn in HTML (a diagram type that ignores htmlLabels: false) become SVG text.
  for (const fo of [...root.querySelectorAll('foreignObject')]) {
    const text = fo.textContent.replace(/\s+/g, ' ').trim();
    const box = fo.getBBox();
    const cs = getComputedStyle(fo.querySelector('*') || fo);
    if (text) {
      const t = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      t.setAttribute('x', String(box.x + box.width / 2));
      t.setAttribute('y', String(box.y + box.height / 2));
      t.setAttribute('text-anchor', 'middle');
      t.setAttribute('dominant-baseline', 'central');
      t.setAttribute('fill', cs.color);
      t.textContent = text;
      fo.replaceWith(t);
    } else fo.remove();
  }

  // Ids that markers are referred to by, renamed after the prefix.
  const ids = new Map();
  for (const el of root.querySelectorAll('*')) {
    for (const attr of ['marker-start', 'marker-mid', 'marker-end']) {
      const ref = /url\(#([^)]+)\)/.exec(el.getAttribute(attr) || getComputedStyle(el).getPropertyValue(attr) || '');
      if (ref && !ids.has(ref[1])) ids.set(ref[1], `${prefix}-m${ids.size + 1}`);
    }
  }

  const gradientColour = (value) => {
    const ref = /url\(["']?#([^"')]+)["']?\)/.exec(value);
    const stop = ref && root.querySelector(`[id="${CSS.escape(ref[1])}"] stop`);
    return stop ? getComputedStyle(stop).getPropertyValue('stop-color') || 'none' : 'none';
  };

  const out = (el, parentStyle) => {
    const tag = el.tagName;
    if (!ELEMENTS.has(tag) || (tag !== 'marker' && tag !== 'defs' && hidden(el))) return undefined;
    // A rectangle without a size draws nothing (label backgrounds Mermaid leaves empty).
    if (tag === 'rect' && (!el.getAttribute('width') || !el.getAttribute('height'))) return undefined;
    const attrs = {};
    for (const name of GEOMETRY) {
      let value = el.getAttribute(name);
      if (name.startsWith('marker-')) {
        const computed = getComputedStyle(el).getPropertyValue(name);
        const ref = /url\(#([^)]+)\)/.exec(value || computed || '');
        value = ref && ids.has(ref[1]) ? `url(#${ids.get(ref[1])})` : null;
      }
      if (value !== null && value !== '') attrs[name] = value;
    }
    if (el.id && ids.has(el.id)) attrs.id = ids.get(el.id);
    const cs = getComputedStyle(el);
    const style = {};
    for (const name of PAINT) {
      let value = cs.getPropertyValue(name);
      // A paint server (a gradient) is not kept: its first colour instead, else none.
      if (/url\(/.test(value)) value = gradientColour(value);
      style[name] = value;
      if (value && (!parentStyle || parentStyle[name] !== value)) attrs[name] = value;
    }
    const opacity = cs.getPropertyValue('opacity');
    if (opacity && opacity !== '1') attrs.opacity = opacity;
    const children = [];
    for (const child of el.childNodes) {
      if (child.nodeType === 3) {
        if (tag === 'text' || tag === 'tspan') children.push(child.nodeValue);
      } else if (child.nodeType === 1) {
        const c = out(child, style);
        if (c) children.push(c);
      }
    }
    return { tag, attrs, children };
  };
  const tree = out(root, undefined);
  const box = root.viewBox.baseVal;
  tree.attrs.viewBox = `${box.x} ${box.y} ${box.width} ${box.height}`;
  tree.attrs.width = String(Math.ceil(box.width));
  tree.attrs.height = String(Math.ceil(box.height));
  work.innerHTML = '';
  return { tree, title: title ? title.textContent.trim() : '', description: desc ? desc.textContent.trim() : '' };
}
