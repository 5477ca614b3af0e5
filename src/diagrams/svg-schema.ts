/**
 * What a diagram's SVG may hold once cleaned (page.browser.js writes no
 * more): shapes, text and markers, with their geometry and presentation
 * attributes, as hast property names, for the sanitize schema of EPUB
 * chapters (src/outputs/epub/schema.ts).
 */
import { find, svg } from 'property-information';

const PAINT = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin', 'fill-opacity', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'transform'];
const GEOMETRY: Readonly<Record<string, string[]>> = {
  svg: ['viewBox', 'width', 'height', 'xmlns'],
  g: [],
  defs: [],
  marker: ['viewBox', 'refX', 'refY', 'markerWidth', 'markerHeight', 'markerUnits', 'orient'],
  path: ['d', 'marker-start', 'marker-mid', 'marker-end'],
  line: ['x1', 'y1', 'x2', 'y2', 'marker-start', 'marker-mid', 'marker-end'],
  polyline: ['points', 'marker-start', 'marker-mid', 'marker-end'],
  polygon: ['points'],
  rect: ['x', 'y', 'width', 'height', 'rx', 'ry'],
  circle: ['cx', 'cy', 'r'],
  ellipse: ['cx', 'cy', 'rx', 'ry'],
  text: ['x', 'y', 'dx', 'dy'],
  tspan: ['x', 'y', 'dx', 'dy'],
};

/** Allowed attributes (hast property names) by SVG element. */
export const SVG_ATTRIBUTES: Readonly<Record<string, string[]>> = Object.fromEntries(
  Object.entries(GEOMETRY).map(([tag, names]) => [tag, [...names, ...PAINT].map((name) => find(svg, name).property)]),
);
