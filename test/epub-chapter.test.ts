/**
 * The EPUB chapter rules, one plugin (or the sanitize schema) at a time, on
 * small trees: what the EPUB 3 XHTML schema needs and what reading systems
 * need. The whole chapter stage is tested on built books in epub.test.ts.
 */
import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { chapterDocument, createChapterProcessor, prepareChapter } from '../src/outputs/epub/chapter.ts';
import rehypeEpubFootnotes from '../src/outputs/epub/footnotes.ts';
import { idMapFor, safeId } from '../src/outputs/epub/ids.ts';
import rehypeEpubImageFallbacks, { MISSING_IMAGE } from '../src/outputs/epub/image-fallbacks.ts';
import type { TextStyle } from '../src/outputs/epub/fonts.ts';
import { BODY_SLOT, collectText, collectXhtml } from '../src/outputs/epub/text.ts';
import { SKIP, visitElements } from '../src/outputs/epub/walk.ts';
import { toXml } from '../src/outputs/epub/xml.ts';

const chapters = createChapterProcessor();

/** Raw HTML as the article's tree (the chapter stage gets a sanitized one; here the rules see everything). */
function tree(html: string): Root {
  return unified().use(rehypeParse, { fragment: true }).parse(html);
}

/** The chapter body that a tree becomes, written as the EPUB writes it. */
function chapter(input: Root | Element | string, imageLabel = '图片') {
  const t: Root = typeof input === 'string' ? tree(input) : input.type === 'root' ? input : { type: 'root', children: [input] };
  const prepared = prepareChapter(chapters, t, { ids: idMapFor(t), imageLabel });
  return { xml: toXml(prepared.tree), images: prepared.images, imagesWithoutAlt: prepared.imagesWithoutAlt };
}

describe('EPUB chapter: ids', () => {
  const zh = safeId('第一节', new Set());

  it('makes every id a valid ASCII XML id, the first of two equal ids only', () => {
    expect(chapter('<h2 id="intro">A</h2><h2 id="第一节">B</h2><p id="intro">again</p><p id="2024">n</p>').xml).toBe(
      `<h2 id="intro">A</h2><h2 id="${zh}">B</h2><p>again</p><p id="id-2024">n</p>`,
    );
  });

  it('points #fragment links at the new ids, decoded or not, and unlinks those that lead nowhere', () => {
    expect(chapter('<h2 id="第一节">B</h2><p><a href="#第一节">x</a> <a href="#%E7%AC%AC%E4%B8%80%E8%8A%82">y</a> <a href="#nowhere">z</a></p>').xml).toBe(
      `<h2 id="${zh}">B</h2><p><a href="#${zh}">x</a> <a href="#${zh}">y</a> <span>z</span></p>`,
    );
  });

  it('keeps the id references that find their element', () => {
    expect(chapter('<p id="d" aria-describedby="d gone">x</p><table><tr><th id="第一节">H</th><td headers="第一节 gone">c</td><td headers="gone">e</td></tr></table>').xml).toBe(
      `<p id="d" aria-describedby="d">x</p><table><tbody><tr><th id="${zh}">H</th><td headers="${zh}">c</td><td>e</td></tr></tbody></table>`,
    );
  });

  it('uses the ids made for the whole book when it gets them', () => {
    const t = tree('<h2 id="a">A</h2><a href="#a">to A</a>');
    const prepared = prepareChapter(chapters, t, { ids: new Map([['a', 'book-a']]), imageLabel: 'Image' });
    expect(toXml(prepared.tree)).toBe('<h2 id="book-a">A</h2><a href="#book-a">to A</a>');
  });
});

describe('EPUB chapter: footnotes', () => {
  const gfm =
    '<p>Text<sup><a href="#fn-1" id="fnref-1" data-footnote-ref aria-describedby="footnote-label">1</a></sup></p>' +
    '<section data-footnotes class="footnotes"><h2 class="sr-only" id="footnote-label">Footnotes</h2><ol>' +
    '<li id="fn-1"><p>Note, see<sup><a href="#fn-2" id="fnref-2" data-footnote-ref>2</a></sup>. <a href="#fnref-1" data-footnote-backref class="data-footnote-backref">↩</a></p></li>' +
    '<li id="fn-2"><ul><li>list</li></ul><a href="#fnref-2" data-footnote-backref>↩</a></li>' +
    '</ol></section>';

  it('makes references noterefs and notes EPUB 3 footnotes that start with their number, linked back', () => {
    expect(chapter(gfm).xml).toBe(
      '<p>Text<sup><a href="#fn-1" id="fnref-1" epub:type="noteref" role="doc-noteref" class="noteref">1</a></sup></p>' +
        '<section class="footnotes" epub:type="footnotes" role="doc-endnotes" aria-labelledby="footnote-label"><h2 class="footnotes-title" id="footnote-label">Footnotes</h2>' +
        '<aside class="footnote" id="fn-1" epub:type="footnote" role="doc-footnote"><p><a class="footnote-number" href="#fnref-1" role="doc-backlink">1.</a> Note, see<sup><a href="#fn-2" id="fnref-2" epub:type="noteref" role="doc-noteref" class="noteref">2</a></sup>.</p></aside>' +
        '<aside class="footnote" id="fn-2" epub:type="footnote" role="doc-footnote"><p><a class="footnote-number" href="#fnref-2" role="doc-backlink">2.</a></p><ul><li>list</li></ul></aside>' +
        '</section>',
    );
  });

  it('numbers the notes from the list\'s start, and writes a plain number when there is no reference to go back to', () => {
    const t: Root = { type: 'root', children: [h('section', { dataFootnotes: true }, [h('ol', { start: 3 }, [h('li', { id: 'n' }, [h('p', 'Orphan.')])])])] };
    unified().use(rehypeEpubFootnotes).runSync(t);
    expect(toXml(t)).toBe(
      '<section class="footnotes" epub:type="footnotes" role="doc-endnotes"><aside class="footnote" id="n" epub:type="footnote" role="doc-footnote"><p><span class="footnote-number">3.</span> Orphan.</p></aside></section>',
    );
  });
});

describe('EPUB chapter: renamed elements', () => {
  it('replaces obsolete and interactive elements by valid ones, a class saying what they were', () => {
    expect(chapter('<tt>a</tt><strike>b</strike><big class="x">c</big><center>d</center><font color="red">e</font><details open><summary>f</summary>g</details>').xml).toBe(
      '<code>a</code><s>b</s><span class="x big">c</span><div class="center">d</div><span>e</span><div class="details"><p class="summary">f</p>g</div>',
    );
  });

  it("keeps a picture's image and drops its sources", () => {
    expect(chapter('<picture><source srcset="a.webp" type="image/webp"><img src="a.png" alt="p"></picture>').xml).toBe('<span class="picture"><img src="a.png" alt="p"/></span>');
  });
});

describe('EPUB chapter: attributes', () => {
  it('keeps only the attributes the EPUB accepts, with valid values', () => {
    expect(chapter('<p style="color:red" onclick="x()" data-x="1" lang="en-GB" dir="sideways" title="t" hidden>x</p><p lang="x_y" dir="rtl">y</p>').xml).toBe(
      '<p lang="en-GB" title="t" hidden="hidden">x</p><p dir="rtl">y</p>',
    );
    expect(chapter('<img src="a.png" width="300" height="20px" alt="a" loading="lazy"><ol start="-1" reversed type="a"><li value="2">i</li><li value="x">j</li></ol>').xml).toBe(
      '<img src="a.png" width="300" alt="a"/><ol reversed="reversed"><li value="2">i</li><li>j</li></ol>',
    );
    expect(chapter('<table><tr><td colspan="2" rowspan="x">c</td><th scope="diagonal" abbr="A">h</th><th scope="col">k</th></tr></table><time datetime="2024-11-02T08:30+08:00">t</time><time datetime="next week">u</time>').xml).toBe(
      '<table><tbody><tr><td colspan="2">c</td><th abbr="A">h</th><th scope="col">k</th></tr></tbody></table><time datetime="2024-11-02T08:30+08:00">t</time><time>u</time>',
    );
  });

  it('keeps ARIA attributes and EPUB semantics on every element', () => {
    expect(chapter(h('nav', { ariaLabel: '目录', role: 'doc-toc', 'epub:type': 'toc', dataPagefindBody: '' }, 'x')).xml).toBe('<nav aria-label="目录" role="doc-toc" epub:type="toc">x</nav>');
  });

  it('turns alignment into a class, and drops an empty class list', () => {
    expect(chapter('<table><tr><td align="RIGHT">c</td><th align="middle">h</th></tr></table><p align="center" class="a">p</p>').xml).toBe(
      '<table><tbody><tr><td class="align-right">c</td><th>h</th></tr></tbody></table><p class="a align-center">p</p>',
    );
    expect(chapter(h('p', { className: [] }, 'x')).xml).toBe('<p>x</p>');
  });

  it('keeps inputs only as disabled checkboxes', () => {
    expect(chapter('<input type="text" value="x"><input type="checkbox" checked disabled aria-label="done">').xml).toBe(
      '<input type="checkbox" disabled="disabled"/><input type="checkbox" checked="checked" disabled="disabled" aria-label="done"/>',
    );
  });

  it('drops comments', () => {
    expect(chapter('<p>a<!-- note -->b</p>').xml).toBe('<p>ab</p>');
  });
});

describe('EPUB chapter: addresses and links', () => {
  it('writes web addresses as strict URIs and drops those a book cannot follow', () => {
    expect(
      chapter('<a href="https://a.com/p|q" hreflang="zh-CN" target="_blank" rel="noopener">l</a><a href=" a002.xhtml#x ">c</a><a href="javascript:alert(1)">j</a><a href="tel:123">t</a><a href="mailto:a@b.c">m</a>').xml,
    ).toBe('<a href="https://a.com/p%7Cq" hreflang="zh-CN">l</a><a href="a002.xhtml#x">c</a><span>j</span><span>t</span><a href="mailto:a@b.c">m</a>');
    expect(chapter('<blockquote cite="javascript:x">q</blockquote><q cite="https://例子.com/a b">q</q><del cite="notes.html">d</del>').xml).toBe(
      '<blockquote>q</blockquote><q cite="https://xn--fsqu00a.com/a%20b">q</q><del>d</del>',
    );
  });

  it('keeps the text of a link inside a link, and of a reference whose note is gone', () => {
    const t: Root = {
      type: 'root',
      children: [
        h('a', { href: 'https://a.com' }, [h('span.remote-image', [h('a.remote-image-url', { href: 'https://img/x.png' }, 'x.png')])]),
        h('a', [h('a', { href: 'https://b.com' }, 'b')]),
        h('sup', [h('a', { href: '#gone', id: 'r', dataFootnoteRef: '' }, '1')]),
      ],
    };
    expect(chapter(t).xml).toBe(
      '<a href="https://a.com/"><span class="remote-image"><span class="remote-image-url">x.png</span></span></a><span><a href="https://b.com/">b</a></span><sup><span id="r" class="noteref">1</span></sup>',
    );
  });
});

describe('EPUB chapter: images', () => {
  it('shows an image the EPUB does not carry as its alt text, else the label, and counts the images it shows', () => {
    const result = chapter(`<img src="${MISSING_IMAGE}a.png" alt=" 图 "><img alt="no source"><img src=""><img src="b.png"><img src="c.png" alt=" C ">`);
    expect(result.xml).toBe('<span class="image-missing">图</span><span class="image-missing">no source</span><span class="image-missing">图片</span><img src="b.png" alt=""/><img src="c.png" alt="C"/>');
    expect([result.images, result.imagesWithoutAlt]).toEqual([2, 1]);
  });

  it('leaves its counts on vfile.data', () => {
    const file = new VFile({ data: { epubImageLabel: 'Image' } });
    unified().use(rehypeEpubImageFallbacks).runSync(tree('<img src="a.png" alt="A"><img src="b.png">'), file);
    expect(file.data.epubImages).toEqual({ shown: 2, withoutAlt: 1 });
  });

  it('does not repeat a remote image\'s alt text that its figure\'s caption says', () => {
    const placeholder = (alt: string) => `<span class="remote-image"><span class="remote-image-alt">${alt}</span> <a class="remote-image-url" href="https://x/y.png">https://x/y.png</a></span>`;
    expect(chapter(`<figure>${placeholder('Cap')}<figcaption>Cap</figcaption></figure><figure>${placeholder('Other')}<figcaption>Cap</figcaption></figure>`).xml).toBe(
      '<figure><span class="remote-image"><a class="remote-image-url" href="https://x/y.png">https://x/y.png</a></span><figcaption>Cap</figcaption></figure>' +
        `<figure>${placeholder('Other')}<figcaption>Cap</figcaption></figure>`,
    );
  });
});

describe('EPUB chapter: characters for the fonts', () => {
  /** What a FontPlanner would be told, by style (`cjk+b`, `latin+i`…). */
  function recorder() {
    const text: Record<string, string> = {};
    return {
      text,
      add(style: TextStyle, value: string) {
        const key = `${style.role}${style.bold ? '+b' : ''}${style.italic ? '+i' : ''}`;
        text[key] = (text[key] ?? '') + value;
      },
    };
  }

  const shell = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN" xml:lang="zh-CN">
<head><title>不算</title><style>p::before { content: "样式"; }</style></head>
<body><h1 class="article-title">标题 &amp; 题</h1><p hidden="hidden">藏</p>
<div class="article-body">
${BODY_SLOT}
</div>
</body>
</html>`;
  const body = (): Root => ({
    type: 'root',
    children: [
      h('p', ['中文 ', h('strong', '粗'), ' ', h('code', 'x'), ' ', h('em', { lang: 'en' }, 'it'), h('span.hljs-comment', '注'), h('span', { hidden: true }, '隐'), h('span', { hidden: false }, '显')]),
      h('pre', [h('code', [h('span.hljs-strong', 'y'), '<&>'])]),
      h('p.summary', { lang: 'en' }, 'Summary'),
      h('template', ['模板']),
    ],
  });

  it('takes each run of text in the style of its element, from the template and the body', () => {
    const sink = recorder();
    const xhtml = chapterDocument(shell, body(), sink);
    expect(xhtml).toContain('<div class="article-body">\n<p>中文 <strong>粗</strong>');
    expect(sink.text).toEqual({
      'cjk+b': '标题 & 题粗',
      cjk: '中文 显',
      'mono+b': 'y',
      mono: 'x<&>',
      'latin+i': 'it',
      'cjk+i': '注',
      'latin+b': 'Summary',
    });
  });

  it('finds the same characters in the written document as in the tree', () => {
    const fromTree = recorder();
    const xhtml = chapterDocument(shell, body(), fromTree);
    const fromDocument = recorder();
    collectXhtml(xhtml, fromDocument);
    expect(fromDocument.text).toEqual(fromTree.text);
  });

  it('says so when a template writes XHTML that is not XML', () => {
    expect(() => collectXhtml('<html><body><p>a<br></p></body></html>', recorder())).toThrow(/not well-formed XML, from an EPUB template: Missing end tag for element br \(line 1, column 21\)/);
  });

  it('reads an HTML document (the cover draft) as the browser does', () => {
    const sink = recorder();
    collectText('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>不算</title></head><body><h1>书名</h1><p>编<br>者</p><div lang="en">Publisher</div></body></html>', sink);
    expect(sink.text).toEqual({ 'cjk+b': '书名', cjk: '编者', latin: 'Publisher' });
  });
});

describe('EPUB chapter: walking the elements', () => {
  it('visits in document order, into replacements, past removals, and not under SKIP', () => {
    const t = tree('<div id="a"><p id="b">x</p><source id="c"><span id="d"><i id="e">y</i></span></div><aside id="f"><b id="g">z</b></aside><p id="h">w</p>');
    const seen: string[] = [];
    visitElements(t, (node, index, parent) => {
      seen.push(String(node.properties.id));
      if (node.tagName === 'source') {
        parent.children.splice(index, 1);
        return index;
      }
      if (node.tagName === 'span') parent.children[index] = h('em', { id: 'd2' }, [h('u', { id: 'd3' })]);
      if (node.tagName === 'aside') return SKIP;
      return undefined;
    });
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'd3', 'f', 'h']);
    expect(toXml(t)).toBe('<div id="a"><p id="b">x</p><em id="d2"><u id="d3"></u></em></div><aside id="f"><b id="g">z</b></aside><p id="h">w</p>');
  });
});
