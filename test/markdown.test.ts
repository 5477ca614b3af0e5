import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toHtml } from 'hast-util-to-html';
import { VFile } from 'vfile';
import { writeLabels } from '../src/markdown/labels.ts';
import { createProcessor, processMarkdown } from '../src/markdown/processor.ts';
import { resolveTree } from '../src/markdown/resolve.ts';
import { createChapterProcessor, prepareChapter } from '../src/outputs/epub/chapter.ts';
import { idMapFor } from '../src/outputs/epub/ids.ts';
import { loadTemplates } from '../src/templates.ts';
import { fragmentFor, validUrl } from '../src/urls.ts';

const processor = createProcessor();

async function render(markdown: string, lang = 'zh-CN') {
  const file = new VFile({ path: '/book/articles/a.md', value: markdown });
  file.data.lang = lang;
  file.data.book = { root: '/book/articles', articles: new Map([['b.md', { slug: 'b-slug' }], ['sub/c.md', { slug: 'c' }]]), assets: new Map() };
  const tree = await processMarkdown(processor, file);
  return { html: toHtml(tree), tree, file };
}

describe('Markdown', () => {
  it('supports GFM: tables, footnotes, strikethrough, task lists, autolinks', async () => {
    const { html } = await render('| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~old~~ https://example.org\n\n- [x] done\n- [ ] todo\n\nNote[^1].\n\n[^1]: The note.\n');
    expect(html).toContain('<table>');
    expect(html).toContain('<td align="right">2</td>');
    expect(html).toContain('<del>old</del>');
    expect(html).toContain('<a href="https://example.org">https://example.org</a>');
    expect(html).toMatch(/<input type="checkbox" checked disabled aria-label="done">/);
    expect(html).toContain('<a href="#fn-1" id="fnref-1" data-footnote-ref');
    expect(html).toContain('<li id="fn-1">');
    expect(html).toContain('<h2 class="footnotes-title" id="footnote-label">注释</h2>');
  });

  it('makes emphasis work next to CJK punctuation', async () => {
    const { html } = await render('这是**“重点”**，还有**粗体**。以及~~删除~~。');
    expect(html).toBe('<p>这是<strong>“重点”</strong>，还有<strong>粗体</strong>。以及<del>删除</del>。</p>');
  });

  it('joins lines between CJK characters without a space, but keeps spaces for Latin', async () => {
    const { html } = await render('中文第一行\n第二行\nand English\nwords');
    expect(html).toBe('<p>中文第一行第二行\nand English\nwords</p>');
  });

  it('gives headings unique, readable ids, Chinese kept', async () => {
    const { html, file } = await render('## 活字的诞生\n\n## Same\n\n## Same\n\n### 用 CSS 解决！');
    expect(html).toContain('<h2 id="活字的诞生">');
    expect(html).toContain('<h2 id="same">');
    expect(html).toContain('<h2 id="same-1">');
    expect(html).toContain('<h3 id="用-css-解决">');
    expect(file.data.headings).toEqual([
      { depth: 2, text: '活字的诞生', id: '活字的诞生' },
      { depth: 2, text: 'Same', id: 'same' },
      { depth: 2, text: 'Same', id: 'same-1' },
      { depth: 3, text: '用 CSS 解决！', id: '用-css-解决' },
    ]);
  });

  it('highlights code at build time', async () => {
    const { html } = await render('```js\nconst a = "x";\n```');
    expect(html).toContain('<code class="hljs language-js"><span class="hljs-keyword">const</span>');
  });

  it('turns a lone image into a figure captioned by its title, else its alt text', async () => {
    const { html, tree } = await render('![alt text](https://example.com/a.png "The caption")\n\n![only alt](https://example.com/b.png)\n\nInline ![x](https://example.com/c.png) image.');
    // Each figure is numbered, the words of its label left to the build (data-label, written in the article's language).
    expect(html).toMatch(/<figure><img src="https:\/\/example.com\/a.png" alt="alt text" title="The caption"[^>]*><figcaption><span class="caption-label" data-label="figure" data-number="1"><\/span>The caption<\/figcaption><\/figure>/);
    expect(html).toMatch(/<figure><img src="https:\/\/example.com\/b.png" alt="only alt"[^>]*><figcaption><span class="caption-label" data-label="figure" data-number="2"><\/span>only alt<\/figcaption><\/figure>/);
    expect(html).toMatch(/<p>Inline <img[^>]*> image.<\/p>/);
    // What a reader of this Chinese article gets: 图 1　The caption, 图 2　only alt.
    const templates = await loadTemplates(fileURLToPath(new URL('../templates', import.meta.url)));
    writeLabels(tree, { labels: templates.labels('zh-CN'), numbering: true });
    const captions = toHtml(tree).match(/<figcaption>.*?<\/figcaption>/g);
    expect(captions).toEqual(['<figcaption><span class="caption-label">图 1</span>　The caption</figcaption>', '<figcaption><span class="caption-label">图 2</span>　only alt</figcaption>']);
  });

  it('marks links to other articles, keeping the fragment, and reports missing ones with their place', async () => {
    const { tree, file } = await render('[b](b.md#活字) [c](./sub/c.md) [gone](missing.md) [web](https://example.org)');
    const html = toHtml(resolveTree(tree, { articleHref: (s, f) => `/x/${s}${f ? '#' + f : ''}`, assetHref: (n) => n, remoteImages: 'keep' }));
    expect(html).toContain('<a href="/x/b-slug#活字">b</a>');
    expect(html).toContain('<a href="/x/c">c</a>');
    expect(html).toContain('<span class="broken-link">gone</span>');
    expect(html).toContain('<a href="https://example.org" rel="noopener">web</a>');
    expect(file.messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([['link-missing', 1, 30]]);
  });

  it('sanitizes raw HTML to a safe subset, keeping the surrounding text', async () => {
    const { html } = await render(
      '前文<script>alert(1)</script><img src="https://example.com/x.png" onerror="alert(1)"><a href="javascript:alert(1)">坏</a><iframe src="https://example.com"></iframe><style>p{}</style><form action="/x"><input name="q"></form><b style="color:red" onclick="x()">粗</b>后文',
    );
    expect(html).not.toMatch(/<script|onerror|onclick|javascript:|<iframe|<style|<form|style=/i);
    expect(html).toContain('前文');
    expect(html).toContain('<b>粗</b>后文');
    expect(html).toContain('<a>坏</a>');
  });

  it('removes objects, base and meta elements, and data: and vbscript: links', async () => {
    const { html, file } = await render(
      '甲<object data="https://example.com/x.swf"><embed src="x.swf"></object>乙<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">丙[数据](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox) 丁',
    );
    expect(html).not.toMatch(/<object|<embed|<base|<meta|data:|vbscript:|evil/i);
    expect(html).toContain('甲');
    expect(html).toContain('乙');
    expect(html).toContain('<a>数据</a>');
    expect(html).toContain('丁');
    expect(file.messages.map((m) => m.ruleId).sort()).toEqual(['html-removed', 'html-removed', 'html-removed', 'html-removed', 'url-removed', 'url-removed']); // object, embed, base, meta; data:, vbscript:
  });

  it('replaces remote images by a placeholder for offline outputs', async () => {
    const { tree } = await render('![A photo](https://example.com/p.jpg)');
    const html = toHtml(resolveTree(tree, { articleHref: (s) => s, assetHref: (n) => n, remoteImages: 'placeholder' }));
    expect(html).not.toContain('<img');
    expect(html).toContain('<span class="remote-image-alt">A photo</span>');
    expect(html).toContain('https://example.com/p.jpg');
  });

  it('prefixes ids and internal fragment links when articles share a document', async () => {
    const { tree } = await render('## 一\n\n[up](#一) note[^n]\n\n[^n]: x');
    const html = toHtml(resolveTree(tree, { articleHref: (s) => s, assetHref: (n) => n, remoteImages: 'keep', idPrefix: 'a1-' }));
    expect(html).toContain('<h2 id="a1-一">');
    expect(html).toContain('<a href="#a1-一">up</a>');
    expect(html).toContain('href="#a1-fn-n"');
    expect(html).toContain('id="a1-fnref-n"');
  });
});

describe('addresses', () => {
  it('writes link, image and quotation addresses as valid URLs, escapes kept', async () => {
    const { html, file } = await render(
      '[two](https://example.com/a#b#c) [space](#a%20b) <MAILTO:FOO@BAR.BAZ> [caps](HTTPS://EXAMPLE.COM/A%20B|c) [heading](#活字) [next](b.md#a%20b) <a href=" #x y ">raw</a> <a href="100%.html#p">percent</a>\n\n<img src="HTTP://example.com/a b.png" alt="i">\n\n<blockquote cite="https://example.com/a|b">q</blockquote>',
    );
    expect(html).toContain('<a href="https://example.com/a#b%23c">two</a>');
    expect(html).toContain('<a href="#a%20b">space</a>');
    expect(html).toContain('<a href="mailto:FOO@BAR.BAZ">MAILTO:FOO@BAR.BAZ</a>');
    expect(html).toContain('<a href="https://EXAMPLE.COM/A%20B%7Cc">caps</a>');
    expect(html).toContain('<a href="#活字">heading</a>');
    expect(html).toContain('<a href="b-slug.html#a%20b" data-article-ref="b-slug" data-article-fragment="a b">next</a>');
    expect(html).toContain('<a href="#x%20y">raw</a>');
    expect(html).toContain('<span class="broken-link">percent</span>');
    expect(html).toContain('data-remote-src="http://example.com/a%20b.png"');
    expect(html).toContain('<blockquote cite="https://example.com/a%7Cb">');
    expect(file.messages.map((m) => m.reason)).toEqual(['Unexpected link to the local file `100%25.html#p`: only links to other articles (.md) and to web addresses work in every output; the link text is kept without the link']);
  });

  it('leaves unsafe addresses to the sanitizer, which names them as written', async () => {
    const { html, file } = await render('<a href="JAVASCRIPT:alert(1)">a</a><a href="java\tscript:alert(1)">b</a><a href="data:text/html,x">c</a>');
    expect(html).toBe('<p><a>a</a><a>b</a><a>c</a></p>');
    expect(file.messages.map((m) => m.reason)).toEqual([
      'Unexpected address `JAVASCRIPT:alert(1)` in `href` of `<a>`: only http(s), mailto and relative addresses are kept',
      'Unexpected address `java\tscript:alert(1)` in `href` of `<a>`: only http(s), mailto and relative addresses are kept',
      'Unexpected address `data:text/html,x` in `href` of `<a>`: only http(s), mailto and relative addresses are kept',
    ]);
  });

  it('turns any address into a valid URL, and any id into the fragment that finds it', () => {
    expect(validUrl('http://es6.ruanyifeng.com/#docs/async#异步')).toBe('http://es6.ruanyifeng.com/#docs/async%23%E5%BC%82%E6%AD%A5');
    expect(validUrl('https://例子.com/路径')).toBe('https://xn--fsqu00a.com/%E8%B7%AF%E5%BE%84');
    expect(validUrl('images/a b|c.png?x=[1]#%E6%B4%BB%20字#2')).toBe('images/a%20b%7Cc.png?x=%5B1%5D#活%20字%232');
    expect(validUrl('%E2%80%A8%zz')).toBe('%E2%80%A8%25zz'); // a line separator stays escaped
    expect(validUrl('tel:+1 555')).toBe('tel:+1 555');
    expect(fragmentFor('a b#c%d 活字')).toBe('a%20b%23c%25d%20活字');
  });
});

describe('task lists', () => {
  it('names each checkbox by the words of its own item, in every output', async () => {
    const { tree, html } = await render('- [x] 校对**第一章**[链接](https://example.com)[^1]\n  - [ ] 子任务\n- [ ] ![图](https://example.com/a.png) 看图\n\n1. [ ] A loose item\n\n   with a second paragraph\n\n[^1]: 注。\n');
    const labels = [...html.matchAll(/<input type="checkbox"[^>]*aria-label="([^"]*)"/g)].map((m) => m[1]);
    expect(labels).toEqual(['校对第一章链接', '子任务', '图 看图', 'A loose item']);
    // The EPUB keeps the names.
    const resolved = resolveTree(tree, { articleHref: (s) => s, assetHref: (n) => n, remoteImages: 'placeholder' });
    const chapter = toHtml(prepareChapter(createChapterProcessor(), resolved, { ids: idMapFor(resolved), imageLabel: '图片' }).tree);
    expect([...chapter.matchAll(/<input [^>]*aria-label="([^"]*)"/g)].map((m) => m[1])).toEqual(labels);
  });
});

describe('links without words', () => {
  it('names a linked image without a description by its address or title, and leaves named links alone', async () => {
    const { html } = await render(
      '[![](https://img.example/a.png)](https://www.yuque.com/docs/page?utm_source=x)\n\n[![](https://img.example/b.png)](https://example.org "项目主页")\n\n[![截图](https://img.example/c.png)](https://example.net)\n\n[文字](https://example.com)\n',
    );
    const names = [...html.matchAll(/<a href="[^"]*"([^>]*)>/g)].map((m) => /aria-label="([^"]*)"/.exec(m[1]!)?.[1]);
    expect(names).toEqual(['yuque.com/docs/page', '项目主页', undefined, undefined]);
  });
});

describe('typographic punctuation', () => {
  it('curls quotes and makes dashes in English, and leaves Chinese text as written', async () => {
    expect((await render('He said "five to ten" -- it\'s... `"code"`', 'en')).html).toBe('<p>He said “five to ten” – it’s… <code>"code"</code></p>');
    expect((await render('他说"你好"--好的', 'zh-CN')).html).toBe('<p>他说"你好"--好的</p>');
  });
});

describe('hostile structure', () => {
  it('flattens Markdown nested thousands deep instead of overflowing the stack', async () => {
    const { html, file } = await render('>'.repeat(5000) + ' deep text\n\nafter');
    expect(html).toContain('deep text');
    expect(html).toContain('<p>after</p>');
    expect(file.messages.map((m) => [m.ruleId, m.line])).toEqual([['nesting-too-deep', 1]]);
  });

  it('keeps raw HTML nested thousands deep as text', async () => {
    const { html, file } = await render('before\n\n' + '<div>'.repeat(10000) + 'inner' + '</div>'.repeat(10000) + '\n\nafter');
    expect(html).toContain('<p>before</p>');
    expect(html).toContain('inner');
    expect(html).not.toContain('<div>');
    expect(file.messages.map((m) => m.ruleId)).toEqual(['nesting-too-deep']);
  });
});
