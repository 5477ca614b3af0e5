/**
 * One article's citations, formatted with citeproc-js: each citation that
 * citations.ts marked becomes its text in the style (`[1]`, `(Rayner 1998,
 * 380)`), a link to its entry in the reference list (the first item's, for
 * a citation of several), and the list of the works cited closes the
 * article, under a heading in its language (before its footnotes, if any).
 * Numbering restarts in every article. A key that is not in the article's
 * bibliography is reported and its citation stays as written; a narrative
 * `@key` that is not there is text (an @-mention), reported only when the
 * article has a bibliography at all.
 */
import type { Element, ElementContent, Root } from 'hast';
import CSL from 'citeproc';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';
import type { CitationMark, CiteItem } from '../markdown/citations.ts';
import type { CslItem } from './bibliography.ts';
import { cslLocale } from './styles.ts';

export interface Problem {
  message: string;
  line?: number;
  column?: number;
}

export interface FormatOptions {
  /** The style: citeproc's JSON form of a repository style, or a CSL file's XML. */
  style: unknown;
  /** The language the style is set in, unless the style says. */
  lang: string;
  items: ReadonlyMap<string, CslItem>;
  /** The reference list's heading ("参考文献"). */
  heading: string;
  report: (problem: Problem) => void;
}

export interface Formatted {
  /** The heading of the reference list, for the article's sections, when it has one. */
  heading?: { id: string; text: string };
}

const parser = unified().use(rehypeParse, { fragment: true });
const fragment = (html: string) => (parser.parse(html) as Root).children as ElementContent[];

interface Found {
  node: Element;
  parent: Root | Element;
  mark: CitationMark;
  line?: number;
  column?: number;
}

/** Formats the citations of `tree` in place. */
export function formatCitations(tree: Root, options: FormatOptions): Formatted {
  const found: Found[] = [];
  const walk = (parent: Root | Element) => {
    for (const child of parent.children) {
      if (child.type !== 'element') continue;
      if (child.tagName === 'span' && typeof child.properties.dataCites === 'string') {
        const line = Number(child.properties.dataLine) || undefined;
        const column = Number(child.properties.dataColumn) || undefined;
        found.push({ node: child, parent, mark: JSON.parse(child.properties.dataCites) as CitationMark, line, column });
      } else walk(child);
    }
  };
  walk(tree);
  if (!found.length) return {};

  const { items } = options;
  const engine = new CSL.Engine(
    { retrieveLocale: (lang: string) => cslLocale(lang), retrieveItem: (id: string) => items.get(id) },
    options.style,
    options.lang,
  );
  const pre: [string, number][] = [];
  const texts = new Map<string, string>();
  const cluster = (id: string, cites: Record<string, unknown>[]) => {
    const [, updates] = engine.processCitationCluster({ citationID: id, citationItems: cites, properties: { noteIndex: 0 } }, pre, []);
    for (const [, text, citationId] of updates) texts.set(citationId, text);
    pre.push([id, 0]);
  };

  /**
   * The locators a style leaves out (GB/T 7714's numeric citation has no
   * place for a page): the cluster previewed with and without them reads the same.
   */
  const droppedLocators = (id: string, cites: Record<string, unknown>[]): string[] => {
    const locators = cites.map((c) => c.locator).filter((l): l is string => typeof l === 'string');
    if (!locators.length) return [];
    const preview = (list: Record<string, unknown>[]) =>
      engine.previewCitationCluster({ citationID: `${id}-preview`, citationItems: list, properties: { noteIndex: 0 } }, pre, [], 'html');
    const bare = cites.map(({ locator: _, label: __, ...rest }) => rest);
    return preview(cites) === preview(bare) ? locators : [];
  };

  const planned: { f: Found; known: CiteItem[]; id: string; dropped: string[] }[] = [];
  found.forEach((f, n) => {
    const known = f.mark.items.filter((item) => {
      if (items.has(item.id)) return true;
      if (f.mark.mode === 'normal' || items.size > 0) {
        options.report({
          message: `Unexpected citation key \`@${item.id}\`: it is in none of the article's bibliographies${items.size ? '' : ' (it has none: add `bibliography:` to the book config or the front matter)'}; the citation is shown as written`,
          line: f.line,
          column: f.column,
        });
      }
      return false;
    });
    if (!known.length) return;
    const id = `c${n}`;
    const cites = known.map((item) => ({
      id: item.id,
      ...(item.locator ? { locator: item.locator, label: item.label ?? 'page' } : {}),
      ...(item.prefix ? { prefix: `${item.prefix} ` } : {}),
      ...(item.suffix ? { suffix: `, ${item.suffix}` } : {}),
      ...(item.suppressAuthor || f.mark.mode === 'narrative' ? { 'suppress-author': true } : {}),
    }));
    if (f.mark.mode === 'narrative') cluster(`${id}-author`, [{ id: known[0]!.id, 'author-only': true }]);
    const dropped = droppedLocators(id, cites);
    cluster(id, cites);
    planned.push({ f, known, id, dropped });
  });

  for (const { f, known, id, dropped } of planned) {
    let citation = texts.get(id) ?? '';
    // As GB/T 7714 writes a page: after the brackets, raised with them ("[1]12"); else after a comma.
    if (dropped.length) citation = /<\/sup>$/.test(citation) ? citation.replace(/<\/sup>$/, `${dropped.join(',')}</sup>`) : `${citation}, ${dropped.join(', ')}`;
    let children = fragment(citation);
    if (f.mark.mode === 'narrative') {
      const authorOnly = texts.get(`${id}-author`) ?? '';
      const names = authorOnly && !authorOnly.includes('NO_PRINTED_FORM') ? fragment(authorOnly) : [{ type: 'text' as const, value: authorNames(items.get(known[0]!.id)!, options.lang) }];
      // "Smith[2]" (raised), "Jones (2018)": a space unless the citation is raised.
      children = [...names, ...(/^\s*<sup>/.test(citation) ? [] : [{ type: 'text' as const, value: ' ' }]), ...children];
    }
    const link: Element = {
      type: 'element',
      tagName: 'a',
      // `citation-raised`: only a raised number ([1]), which needs no underline to be seen as a link.
      properties: { href: `#${refId(known[0]!.id)}`, className: ['citation', ...(f.mark.mode === 'normal' && /^\s*<sup>[^]*<\/sup>\s*$/.test(citation) ? ['citation-raised'] : [])], role: 'doc-biblioref' },
      children,
    };
    const at = f.parent.children.indexOf(f.node);
    f.parent.children[at] = link;
  }
  // Citations that were left as written lose their mark.
  for (const f of found) {
    const at = f.parent.children.indexOf(f.node);
    if (at >= 0) f.parent.children.splice(at, 1, ...f.node.children);
  }

  const bibliography = planned.length ? engine.makeBibliography() : false;
  if (!bibliography) return {};
  const [params, entries] = bibliography;
  const list: ElementContent[] = [];
  entries.forEach((html, i) => {
    const entry = fragment(html).find((c): c is Element => c.type === 'element');
    if (!entry) return;
    const key = params.entry_ids[i]?.[0];
    if (key) entry.properties.id = refId(key);
    list.push(entry);
  });
  const headingId = uniqueId(tree, 'references');
  const section: Element = {
    type: 'element',
    tagName: 'section',
    properties: { className: ['references', ...(params.hangingindent ? ['hanging-indent'] : [])], role: 'doc-bibliography', ariaLabelledBy: [headingId] },
    children: [
      { type: 'element', tagName: 'h2', properties: { id: headingId }, children: [{ type: 'text', value: options.heading }] },
      { type: 'element', tagName: 'div', properties: { className: ['csl-bib-body'] }, children: list },
    ],
  };
  const footnotes = tree.children.findIndex((c) => c.type === 'element' && c.tagName === 'section' && String(c.properties.className ?? '').includes('footnotes'));
  tree.children.splice(footnotes >= 0 ? footnotes : tree.children.length, 0, section);
  return { heading: { id: headingId, text: options.heading } };
}

export function refId(key: string): string {
  return `ref-${key}`;
}

/** The authors as running text names them, for styles that cannot say it themselves (numeric ones). */
function authorNames(item: CslItem, lang: string): string {
  const people = ((item.author ?? item.editor ?? []) as { family?: string; given?: string; literal?: string }[]).map((p) => {
    if (p.literal) return p.literal;
    const han = /\p{Script=Han}/u.test(`${p.family ?? ''}${p.given ?? ''}`);
    return han ? `${p.family ?? ''}${p.given ?? ''}` : (p.family ?? p.given ?? '');
  });
  const zh = /^zh\b/i.test(lang);
  if (people.length === 0) return String(item.title ?? item.id);
  if (people.length === 1) return people[0]!;
  if (people.length === 2) return zh ? `${people[0]}和${people[1]}` : `${people[0]} and ${people[1]}`;
  return zh ? `${people[0]}等` : `${people[0]} et al.`;
}

function uniqueId(tree: Root, wanted: string): string {
  const ids = new Set<string>();
  const walk = (node: Root | Element) => {
    for (const c of node.children) {
      if (c.type !== 'element') continue;
      if (typeof c.properties.id === 'string') ids.add(c.properties.id);
      walk(c);
    }
  };
  walk(tree);
  let id = wanted;
  for (let n = 2; ids.has(id); n++) id = `${wanted}-${n}`;
  return id;
}
