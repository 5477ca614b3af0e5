import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Element, Root as HastRoot } from 'hast';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYamlText } from 'yaml';
import { bookConfigSchema } from '../src/config.ts';
import { decode } from '../src/content/decode.ts';
import { parseFrontMatter, splitFrontMatter } from '../src/content/frontmatter.ts';
import { loadBook } from '../src/content/load.ts';
import { Diagnostics } from '../src/diagnostics.ts';
import { runImport } from '../src/import/cli.ts';
import { findDate, parseIsoDate } from '../src/import/dates.ts';
import { extractHtml, extractText, importFiles, type ImportedFile, type ImportResult } from '../src/import/index.ts';
import { cleanSummary } from '../src/import/html.ts';
import { isBareCount, isClosingLine, isFurniture, parseCredits, parseDateLine, parseSourceLine, readMetaLine } from '../src/import/lines.ts';
import { createStringifier } from '../src/import/markdown.ts';
import type { Article, Book } from '../src/types.ts';
import { buildFolder, FIXTURES } from './helpers/build.ts';
import { zipFiles } from './helpers/epub-zip.ts';
import { capture } from './helpers/io.ts';

const DIR = path.join(FIXTURES, 'import');
const fixture = (name: string) => path.join(DIR, name);

const KEY_ORDER = ['title', 'subtitle', 'author', 'date', 'source', 'publisher', 'tags', 'lang', 'summary', 'original'];

/** What each plain-text clipping must lose: its title line (into the front matter) and these lines, exactly. */
const CLIPPINGS: Record<string, { source: string; title: string; removed: string[] }> = {
  'clip-news.txt': {
    source: 'clip-news.txt',
    title: '夜班编辑的最后一个版面',
    removed: [
      '2024-03-18 07:45:12 来源：江岸日报',
      '文 | 沈知行',
      '本文转自江岸日报客户端',
      '图片来源：视觉中国',
      '本文链接：https://www.jiangan-daily.example.cn/culture/2024-03/18/night-shift.html',
      '责任编辑：王若溪',
      '版权声明：本文版权归江岸日报所有，未经授权不得转载。',
      '分享到：微信 微博 QQ',
      '点赞',
      '收藏',
      '登录后参与评论',
      '发表评论',
      '上一篇：城市书房开到了地铁站',
      '下一篇：一家旧书店的五十年',
      '相关阅读',
      '报纸的版面是怎样炼成的',
      '夜班记者的一天',
    ],
  },
  'clip-wechat.txt': {
    source: 'clip-wechat.txt',
    title: '在县城开一家独立书店是什么体验',
    removed: [
      '原创 山野书信 2024年01月20日 21:08 北京时间',
      '作者丨林小满 编辑丨赵一川',
      '原标题：《县城书店的第三个冬天》',
      '（完）',
      '预览时标签不可点',
      '微信扫一扫关注该公众号',
      '点赞',
      '在看',
      '收藏',
      '分享',
    ],
  },
  'clip-column.txt': { source: 'clip-column.txt', title: '雪夜读帖记', removed: ['作者：顾长风', '2022年12月3日 09:15'] },
  'clip-36kr.txt': {
    source: 'clip-36kr.txt',
    title: '云南咖啡的下一个十年',
    removed: [
      '远川研究所 发布在 36氪',
      '2024-04-12 08:05',
      '2.4万',
      '文 | 远川研究所，作者丨陈思远，编辑丨周一帆',
      '点击上方蓝字关注我们',
      '本文来自微信公众号“远川研究所”（ID：yuanchuan-lab），作者：陈思远，36氪经授权发布。',
      '原标题：《一杯云南咖啡的两种命运》',
      '阅读 3,201',
      '分享、点赞、在看，都是对我们最大的鼓励',
      '喜欢就点个在看吧',
    ],
  },
  'clip-gbk.txt': { source: 'sources/clip-gbk.txt', title: '乡村邮递员的自行车', removed: ['2023/11/2 来源：山南都市报', '记者 王小明 通讯员 李青', '责任编辑：陈默'] },
  'clip-big5.txt': {
    source: 'sources/clip-big5.txt',
    title: '舊書攤上的活字印刷',
    removed: [
      '2024-01-15 14:20（台北時間）',
      '作者：陳美玲',
      '圖片來源：翻攝自網路',
      '本文連結：https://www.harbor-weekly.example.tw/culture/movable-type-stall',
      '分享至：Facebook LINE',
      '發表評論',
      '登入後參與評論',
      '上一篇：老戲院的最後一場電影',
      '下一篇：巷口的修鞋攤',
    ],
  },
};

/** The article text of each saved page, paragraph by paragraph, as written in the fixture. */
const PAGES: Record<string, { paragraphs: string[]; furniture: string[] }> = {
  'news-zh.html': {
    paragraphs: [
      '清晨六点，城东再生纸厂的地磅已经排起了长队。满载旧报纸的货车一辆接一辆开进厂区，司机们熟练地掀开篷布，等着称重。',
      '厂长韩立冬翻开一本蓝色封皮的账本，上面记着过去十年每天进厂的废纸吨数。“最多的时候一天两百吨，现在稳定在一百二十吨左右。”他说。',
      '旧报纸进厂后先被打成纸浆，再经过筛选、脱墨和漂洗三道工序。脱墨车间里弥漫着一股淡淡的肥皂味，那是表面活性剂在把油墨从纤维上剥离下来。',
      '技术员孟晓禾告诉记者，一吨旧报纸大约能产出八百公斤再生纸浆，剩下的两百公斤是油墨、填料和过短的纤维。',
      '“纤维每回收一次就会变短一点，”孟晓禾说，“一般循环五到七次，它就再也织不成纸了。”',
      '账本的最后几页有一些空白的日子。韩立冬解释，那是收购价跌到成本线以下、整个行业停工观望的时候。',
      '读者在网上留下了很多评论，有人问旧报纸该不该单独投放。韩立冬的回答是：只要保持干燥、不混进塑料，就是好原料。',
      '分享旧报纸的去处并不难，社区回收站每周二和周五都会集中收运。',
      '报纸和书本可以直接投放；',
      '带塑料膜的快递袋需要先撕掉膜；',
      '被油污浸透的餐盒纸不能回收。',
      '更多回收指南可以在本报回收专题中查阅。',
    ],
    furniture: ['要闻', '广告', '首页', '分享到', 'QQ空间', '责任编辑', '点赞', '上一篇', '下一篇', '相关阅读', '城南垃圾分类三年记', '网友评论', '登录后参与评论', '长知识了', '热门排行', '版权所有', '家电节大促', '今日多云'],
  },
  'blog-figures.html': {
    paragraphs: [
      '去年秋天我们接手了一批七十年代的旧书扫描稿，任务是把它们重新排成电子书。扫描和识别都不难，难的是排版：旧书的版式有它自己的规矩，新排出来的页面总是差一口气。',
      '于是我们写了一个小小的检查器，专门找三类毛病：孤行、寡行和标点挤压。',
      '排版里有几条老规矩，检查器就是把它们写成代码：',
      '孤行：段落的第一行单独留在页底。',
      '寡行：段落的最后一行单独跑到下一页顶上。',
      '标点挤压：行首出现了不该出现的句号或逗号。',
      '检查器的核心只有一个函数，它逐行读取排好的页面，记下每一行的第一个字符：',
      '真正费功夫的是拿到“排好的页面”。我们最后用浏览器打印成 PDF，再从 PDF 里取回每一行的文字。',
      '竖排版的检查还没有做。',
      '注释的编号有时会被误认成标点。',
      '好的排版是看不见的；坏的排版一眼就能看出来。',
      '代码放在我们的仓库里，欢迎试用，也欢迎在关于页找到我们。',
    ],
    furniture: ['跳到正文', '阅读约', '分享：', 'Twitter', '订阅纸边笔记', '每月一封信', '上一篇', '下一篇', '3 条评论', '脚本很实用', '竖排版什么时候能支持', 'CC BY-NC'],
  },
  'magazine-en.html': {
    paragraphs: [
      'Walter Ostrowski keeps the barn at sixty-eight degrees all winter, not for himself but for the machine. “Cold metal is cranky metal,” he says, lifting the cover off a Linotype Model 31 that he bought at auction in 1994.',
      'The machine is seven feet tall and weighs more than a pickup truck. When it runs, it sounds like a room full of typewriters falling down a staircase.',
      'Unlike a typewriter, a Linotype does not strike letters onto paper. It assembles brass molds, called matrices, into a line and then pours molten lead against them, producing a solid bar of type known as a slug.',
      'Ostrowski learned the trade in 1971 at a daily newspaper that printed forty thousand copies a night. He was nineteen, and the composing room was the loudest place he had ever been.',
      'He keeps a notebook of every job the barn has printed since he retired:',
      'Most of the work is wedding invitations and poetry chapbooks, set in a typeface called Caledonia that he loves “the way some people love a particular dog.”',
      'Asked who will run the machine after him, he pauses for a long time. Then he points to his granddaughter, who is sweeping lead shavings into a coffee can — she turned twelve in October and already knows the keyboard by heart.',
    ],
    furniture: ['cookies', 'Advertisement', 'Subscribe', 'Get the Lantern in your inbox', 'Sign up', 'Share', 'Filed under', 'Related stories', 'letterpress revival', 'Comments (2)', 'My father ran one', 'Log in to comment', 'All rights reserved', 'Features'],
  },
  'wechat-zh.html': {
    paragraphs: [
      '县城饭馆的后厨，正在悄悄变小。十年前，一家中等规模的饭馆要雇四五个厨师，如今两个人就能撑起一整天的生意。',
      '变化来自冷库里一箱箱的料理包。酸菜鱼、梅菜扣肉、宫保鸡丁，拆开加热，十分钟就能上桌。',
      '“预制菜有先天短板”',
      '最常听到的抱怨是味道千篇一律。一位在县城开了十五年饭馆的老板说，客人吃上两次就能尝出来，“跟隔壁家的一模一样”。',
      '作者在三个县城走访了二十多家饭馆，发现几乎每家都至少用了一种料理包，只是很少有人愿意承认。',
      '另一块短板是口味的地方性。同一道红烧肉，江南要甜，湘西要辣，工厂很难为每个县城单独调一种配方。',
      '“冷链是一道门槛”',
      '料理包要在零下十八度的环境里运输和储存。县城的冷链仓库不多，一箱货从工厂到后厨，往往要转三次车。',
      '数据来源：山海产业研究院对二十一家县城饭馆的走访记录。',
      '“你们的菜是现做的吗？”',
      '这是服务员每天都会被问到的问题。有的店干脆在菜单上写明哪些菜是预制的，反而赢得了回头客。',
      '“饭馆为什么离不开它”',
      '房租和人工一年比一年贵，县城饭馆的利润却没有跟着涨。对许多老板来说，料理包不是选择，而是活下去的办法。',
      '编辑部的同事在采访结束后算了一笔账：一家用料理包的饭馆，每月能省下将近一个厨师的工资。',
      '不过，老板们也都明白，客人愿意回来，靠的终究是几道自己店里才有的菜。',
    ],
    furniture: ['点击上方', '文 |', '作者丨', '编辑丨', '2.4万', 'END', '本文转自', '原标题', '分享、点赞', '阅读 3,201', '在看 58', '微信扫一扫', '发表于浙江', '原创'],
  },
  'portal-gbk.html': {
    paragraphs: [
      '修复室的桌上总放着一只白瓷碗，碗里是当天早上新调的糨糊。修复师方秋云说，糨糊只能用一天，隔夜就不用了。',
      '她的方子是老师傅传下来的：小麦淀粉加水，小火慢慢搅，搅到透明为止。不加防腐剂，也不加明矾，为的是以后还能揭得下来。',
      '一本虫蛀的旧书，要先拆开，一页一页地补。补纸要挑颜色和厚薄都相近的，有时候为了一页书，要翻遍整柜的旧纸。',
      '方秋云补过最难的一本书，前后用了四个月。书还给图书馆那天，她在扉页后面夹了一张小纸条，写着修复的日期和用过的材料。',
    ],
    furniture: ['当前位置', '论坛', '分享到', 'QQ空间', '责任编辑', '热门文章', '端午龙舟赛', 'Copyright', '来源：西岭网', '　'],
  },
};

const ALL = [...Object.keys(PAGES), ...Object.keys(CLIPPINGS)];

let tmp: string;
let out: string;
let result: ImportResult;
let book: Book;
let loadDiagnostics: Diagnostics;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'anthology-import-'));
  out = path.join(tmp, 'articles');
  result = await importFiles(ALL.map(fixture), { out });
  loadDiagnostics = new Diagnostics();
  book = (await loadBook({ config: { ...bookConfigSchema.parse({}), base: tmp }, root: out, diagnostics: loadDiagnostics }))!;
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function imported(name: string): ImportedFile {
  const f = result.files.find((x) => x.input === fixture(name));
  if (!f) throw new Error(`${name} was not imported: ${JSON.stringify(result.diagnostics)}`);
  return f;
}

function article(name: string): Article {
  const f = imported(name);
  const a = book.articles.find((x) => x.file === f.output);
  if (!a) throw new Error(`${name}: no article loaded from ${f.output}`);
  return a;
}

/** The written file's front matter, key order kept. */
function frontMatter(name: string): Record<string, unknown> {
  const yaml = splitFrontMatter(readFileSync(imported(name).output, 'utf8')).yaml!;
  return parseYamlText(yaml) as Record<string, unknown>;
}

function frontMatterOf(markdown: string): Record<string, unknown> {
  return parseYamlText(splitFrontMatter(markdown).yaml!) as Record<string, unknown>;
}

function bodyMarkdown(name: string): string {
  return splitFrontMatter(imported(name).markdown).body.trim();
}

/** Text as the reader sees it: whitespace evened out, typographic quotes of the build made plain. */
function plain(text: string): string {
  return text.replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();
}

function figcaptions(tree: HastRoot): string[] {
  const found: string[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === 'figcaption') found.push(toString(node));
  });
  return found;
}

function images(markdown: string): { alt: string; url: string; title?: string }[] {
  return [...markdown.matchAll(/!\[([^\]]*)\]\((\S+?)(?: "([^"]*)")?\)/g)].map((m) => ({ alt: m[1]!, url: m[2]!, title: m[3] }));
}

describe('anthology import: the result builds', () => {
  it('imports every sample and the real loader reads the folder without a single problem', async () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.files.map((f) => path.basename(f.input))).toEqual(ALL);
    expect((await readdir(out)).sort()).toEqual(['_originals', ...result.files.map((f) => path.basename(f.output))].sort());
    expect(loadDiagnostics.items).toEqual([]);
    expect(book.articles).toHaveLength(ALL.length);
  });

  it('writes front matter that the schema accepts, keys in the documented order', () => {
    for (const name of ALL) {
      const f = imported(name);
      const { yaml } = splitFrontMatter(f.markdown);
      expect(yaml, name).toBeDefined();
      expect(parseFrontMatter(yaml!, f.output).diagnostics, name).toEqual([]);
      const keys = Object.keys(frontMatter(name));
      expect(keys, name).toEqual(KEY_ORDER.filter((k) => keys.includes(k)));
      expect(readFileSync(f.output, 'utf8')).toBe(f.markdown);
    }
  });

  it('names files after the title, keeping Chinese letters', () => {
    expect(path.basename(imported('news-zh.html').output)).toBe('旧报纸去了哪里-一座纸厂的回收账本.md');
    expect(path.basename(imported('magazine-en.html').output)).toBe('the-last-linotype-in-harbor-county.md');
    expect(path.basename(imported('clip-big5.txt').output)).toBe('舊書攤上的活字印刷.md');
  });
});

describe('anthology import: saved web pages', () => {
  it('reads a news page: title without the site name, byline, zoned date, canonical URL, description, tags', () => {
    expect(frontMatter('news-zh.html')).toEqual({
      title: '旧报纸去了哪里：一座纸厂的回收账本',
      author: '苏晚晴',
      date: '2024-05-01T08:30:00+08:00',
      source: 'https://www.chengnan-evening.example/society/2024/05/01/paper-ledger.html',
      tags: ['回收', '造纸'],
      lang: 'zh-CN',
      summary: '城东再生纸厂每天吞进一百二十吨旧报纸，也吐出一本账：哪些纸能回来，哪些永远回不来。',
      original: '_originals/旧报纸去了哪里-一座纸厂的回收账本.html',
    });
    expect(imported('news-zh.html').markdown).toMatch(/^---\ntitle: 旧报纸去了哪里：一座纸厂的回收账本\nauthor: 苏晚晴\ndate: 2024-05-01T08:30:00\+08:00\n/);
  });

  it('reads a blog post: authors and date from JSON-LD, address from og:url, zh-Hans as zh-CN', () => {
    expect(frontMatter('blog-figures.html')).toEqual({
      title: '给旧书做一个排版检查器',
      author: ['顾青禾', '程一苇'],
      date: '2023-09-12T21:40:00+08:00',
      source: 'https://paper-margin.example.org/posts/typeset-checker/',
      lang: 'zh-CN',
      summary: '用三十行脚本找出扫描稿里的孤行、寡行和标点挤压。',
      original: '_originals/给旧书做一个排版检查器.html',
    });
  });

  it('reads an English feature: the standfirst as subtitle, two authors from "By … and …", the date of <time>, the "saved from" address', () => {
    expect(frontMatter('magazine-en.html')).toEqual({
      title: 'The Last Linotype in Harbor County',
      subtitle: 'A retired operator keeps a hot-metal typesetting machine running in a barn.',
      author: ['Margaret Hale', 'Tomás Reyes'],
      date: '2023-11-14T11:05:00-05:00',
      source: 'https://www.lanternquarterly.example.com/features/the-last-linotype.html',
      lang: 'en',
      summary: 'A retired operator keeps a hot-metal typesetting machine running in a barn, one slug of type at a time.',
      original: '_originals/the-last-linotype-in-harbor-county.html',
    });
  });

  it('reads an old GBK portal page declaring gb2312: the line under the headline gives date (no zone: date only) and author', () => {
    const f = imported('portal-gbk.html');
    expect(f.encoding).toBe('GB18030');
    expect(frontMatter('portal-gbk.html')).toEqual({ title: '古籍修复室里的一张糨糊方子', author: '许静澜', date: '2021-06-08', lang: 'zh-CN', original: '_originals/古籍修复室里的一张糨糊方子.html' });
    // No canonical address: said, not guessed.
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', file: f.input, rule: 'import-source' }));
  });

  it('keeps every paragraph of each article, in order, and nothing of the page around it', () => {
    for (const [name, { paragraphs, furniture }] of Object.entries(PAGES)) {
      const text = plain(toString(article(name).tree));
      let last = -1;
      for (const p of paragraphs) {
        const at = text.indexOf(plain(p));
        expect(at, `${name}: ${p}`).toBeGreaterThan(last);
        last = at;
      }
      const body = bodyMarkdown(name);
      for (const f of furniture) expect(body, `${name} keeps "${f}"`).not.toContain(f);
    }
  });

  it('turns the page headings into ## headings under the title', () => {
    expect(article('news-zh.html').headings.map((h) => [h.depth, h.text])).toEqual([
      [2, '一吨旧报纸的旅程'],
      [2, '账本上的空白'],
    ]);
    // The blog's <h3> sections become the top level of the body.
    expect(article('blog-figures.html').headings.map((h) => [h.depth, h.text])).toEqual([
      [2, '三类毛病'],
      [2, '三十行脚本'],
      [2, '还没解决的问题'],
    ]);
    expect(article('magazine-en.html').headings.map((h) => h.text)).toEqual(['A machine that casts its own type', 'What the numbers say']);
    for (const name of Object.keys(PAGES)) expect(bodyMarkdown(name), name).not.toMatch(/^# /m);
  });

  it('keeps images remote with absolute addresses, the real one behind lazy loading, captions as titles', () => {
    expect(images(bodyMarkdown('news-zh.html'))).toEqual([
      { alt: '脱墨车间', url: 'https://www.chengnan-evening.example/uploads/2024/05/deinking-line.jpg', title: '脱墨车间的浮选槽，灰色泡沫里是被剥离的油墨。' },
    ]);
    expect(images(bodyMarkdown('blog-figures.html'))).toEqual([
      { alt: '寡行示例', url: 'https://paper-margin.example.org/images/widow-example.png', title: '一个典型的寡行：最后一行“了。”独自跑到了下一页。' },
      { alt: '修改前后对比', url: 'https://cdn.paper-margin.example.org/img/before-after.jpg', title: '修改前（左）和修改后（右）：行首的逗号被挤回了上一行。' },
    ]);
    // The browser's local copy (…_files/) is not an address; the srcset's largest is.
    expect(images(bodyMarkdown('magazine-en.html'))).toEqual([
      {
        alt: 'Walter Ostrowski at the keyboard of his Linotype',
        url: 'https://www.lanternquarterly.example.com/media/ostrowski-at-keyboard-1280.jpg',
        title: 'Ostrowski sets a line of type; each keystroke drops a brass matrix into place. Photo: Lantern Quarterly',
      },
    ]);
    // <base href> resolves it; the caption paragraph under it became its title.
    expect(images(bodyMarkdown('portal-gbk.html'))).toEqual([
      { alt: '白瓷碗里的糨糊', url: 'https://culture.xiling-portal.example.cn/2021/0608/images/paste-bowl.jpg', title: '修复室桌上的白瓷碗，糨糊要调到能拉出细丝。' },
    ]);
    // The build captions them as figures and counts them as remote images.
    expect(figcaptions(article('blog-figures.html').tree)).toEqual(['一个典型的寡行：最后一行“了。”独自跑到了下一页。', '修改前（左）和修改后（右）：行首的逗号被挤回了上一行。']);
    expect(article('blog-figures.html').remoteImages).toBe(2);
    expect(article('news-zh.html').assets).toEqual([]);
  });

  it('keeps code with its language, lists, quotations, tables and absolute links', () => {
    const blog = bodyMarkdown('blog-figures.html');
    expect(blog).toContain("```js\nconst FORBIDDEN_AT_LINE_START = new Set(['。', '，', '、', '；']);\n");
    expect(blog).toContain('.map((text, index) => ({ text, index }))');
    expect(blog).toContain('- **孤行**：段落的第一行单独留在页底。');
    expect(blog).toContain('1. 竖排版的检查还没有做。');
    expect(blog).toContain('> 好的排版是看不见的；坏的排版一眼就能看出来。');
    expect(blog).toContain('[仓库](https://git.paper-margin.example.org/tools/typeset-check)');
    expect(blog).toContain('[关于页](https://paper-margin.example.org/about/)');
    expect(bodyMarkdown('news-zh.html')).toContain('[本报回收专题](https://www.chengnan-evening.example/topics/recycling-guide.html)');
    expect(bodyMarkdown('magazine-en.html')).toMatch(/\| Year \| Jobs \| Slugs cast \|\n\| -+ \| -+ \| -+ \|\n\| 2021 \| 14 +\| 3,200 +\|/);
  });
});

describe('anthology import: pages of other shapes', () => {
  const page = (body: string, head = '') =>
    `<!DOCTYPE html><html lang="en"><head><meta property="og:title" content="Big Title"><link rel="canonical" href="https://news.example.com/a/story.html">${head}</head><body>${body}</body></html>`;
  const long = (n: number) => `Paragraph ${n} of the story goes on for a while, so that there is enough text here for the extractor to find, and then it ends.`;

  it('drops the headline, byline and date repeated at the top of the text, and keeps the levels of the rest', async () => {
    const html = page(`<main><article><h2>Big Title</h2><p>By Ann Lee</p><p>May 3, 2024</p><p>${long(1)}</p><h3>Part one</h3><p>${long(2)}</p></article></main>`);
    const { meta, body, dropped } = await extractHtml(html, { encoding: 'utf-8' });
    expect(meta).toMatchObject({ title: 'Big Title', authors: ['Ann Lee'], date: '2024-05-03', source: 'https://news.example.com/a/story.html', lang: 'en' });
    expect(createStringifier().stringify(body)).toBe(`${long(1)}\n\n## Part one\n\n${long(2)}\n`);
    expect(dropped.slice(0, 2)).toEqual(['By Ann Lee', 'May 3, 2024']);

    const zh = `<html><head><meta property="og:title" content="标题甲"></head><body><article><div><h2>标题甲</h2><p>${'这是正文的第一段，写了很多内容。'.repeat(4)}</p><h3>小节</h3><p>${'第二段正文，也写了不少内容。'.repeat(4)}</p></div></article></body></html>`;
    const second = await extractHtml(zh, { encoding: 'utf-8' });
    expect(createStringifier().stringify(second.body)).toBe(`${'这是正文的第一段，写了很多内容。'.repeat(4)}\n\n## 小节\n\n${'第二段正文，也写了不少内容。'.repeat(4)}\n`);
  });

  it('keeps link text without links that cannot work elsewhere, resolves the rest, and leaves out images without an address', async () => {
    const html = page(`<article><p>${long(1)} <a href="javascript:void(0)">Click</a>, <a href="#">top</a>, <a href="../b/other.html">other</a>, <a href="mailto:desk@news.example.com">mail</a>.</p><p><img src="data:image/png;base64,AAAA" alt="pixel"></p><p>${long(2)}</p></article>`);
    const { body, warnings } = await extractHtml(html, { encoding: 'utf-8' });
    const md = createStringifier().stringify(body);
    expect(md).toContain('Click, top, [other](https://news.example.com/b/other.html), [mail](mailto:desk@news.example.com).');
    expect(md).not.toContain('![');
    expect(warnings).toEqual([expect.objectContaining({ rule: 'import-image', message: expect.stringContaining('("pixel")') })]);
  });

  it('reports a page without article text as an error', async () => {
    const dir = await mkdtemp(path.join(tmp, 'nav-'));
    await writeFile(path.join(dir, 'nav.html'), '<html><body><nav><a href="/">Home</a></nav></body></html>');
    const r = await importFiles([path.join(dir, 'nav.html')], { out: 'articles', cwd: dir });
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'error', rule: 'import-empty', message: 'Found no article text in the page' })]);
  });
});

describe('anthology import: text clippings', () => {
  it('reads the header lines into the front matter', () => {
    expect(frontMatter('clip-news.txt')).toEqual({
      title: '夜班编辑的最后一个版面',
      author: '沈知行',
      date: '2024-03-18', // a time without a zone: the date only
      source: 'https://www.jiangan-daily.example.cn/culture/2024-03/18/night-shift.html', // from the closing 本文链接 line
      publisher: '江岸日报', // 来源：
      lang: 'zh-CN',
      original: '_originals/夜班编辑的最后一个版面.txt',
    });
    expect(frontMatter('clip-wechat.txt')).toEqual({
      title: '在县城开一家独立书店是什么体验',
      subtitle: '《县城书店的第三个冬天》', // 原标题
      author: '林小满', // not the editor
      date: '2024-01-20T21:08:00+08:00', // 北京时间 is a zone
      publisher: '山野书信', // the account of 原创 山野书信 …
      lang: 'zh-CN',
      original: '_originals/在县城开一家独立书店是什么体验.txt',
    });
    expect(frontMatter('clip-column.txt')).toEqual({ title: '雪夜读帖记', author: '顾长风', date: '2022-12-03', lang: 'zh-CN', original: '_originals/雪夜读帖记.txt' });
    expect(frontMatter('clip-gbk.txt')).toEqual({ title: '乡村邮递员的自行车', author: ['王小明', '李青'], date: '2023-11-02', publisher: '山南都市报', lang: 'zh-CN', original: '_originals/乡村邮递员的自行车.txt' });
    expect(frontMatter('clip-big5.txt')).toEqual({
      title: '舊書攤上的活字印刷',
      author: '陳美玲',
      date: '2024-01-15T14:20:00+08:00',
      source: 'https://www.harbor-weekly.example.tw/culture/movable-type-stall',
      lang: 'zh-TW',
      original: '_originals/舊書攤上的活字印刷.txt',
    });
  });

  it('detects GBK (with Windows line endings) and Big5 and decodes them exactly', () => {
    expect(imported('clip-gbk.txt').encoding).toBe('GB18030');
    expect(imported('clip-big5.txt').encoding).toBe('Big5');
    for (const name of ['clip-gbk.txt', 'clip-big5.txt']) {
      const bytes = readFileSync(fixture(name));
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), name).toThrow();
      expect(decode(bytes).text).toBe(readFileSync(fixture(CLIPPINGS[name]!.source), 'utf8'));
    }
  });

  it('keeps every other line word for word, in order, and leaves out exactly the furniture and header lines', () => {
    for (const [name, { source, title, removed }] of Object.entries(CLIPPINGS)) {
      const lines = readFileSync(fixture(source), 'utf8')
        .split('\n')
        .map((l) => l.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ''))
        .filter(Boolean);
      const expected = lines.filter((l) => l !== title && !removed.includes(l));
      expect(expected.length, name).toBeGreaterThan(5);
      // The body is those lines and nothing else: only `## ` and line-break marks were added.
      const body = bodyMarkdown(name)
        .replace(/^## /gm, '')
        .replace(/\\\n/g, '')
        .replace(/\s+/g, '');
      expect(body, name).toBe(expected.join('').replace(/\s+/g, ''));
      // Each line is in the built article, in order.
      const text = toString(article(name).tree).replace(/\s+/g, '');
      let last = -1;
      for (const line of expected) {
        const at = text.indexOf(line.replace(/\s+/g, ''));
        expect(at, `${name}: ${line}`).toBeGreaterThan(last);
        last = at;
      }
      expect(imported(name).dropped, name).toEqual(removed);
    }
  });

  it('keeps article sentences that merely mention comments, sharing or likes', () => {
    const news = bodyMarkdown('clip-news.txt');
    expect(news).toContain('读者在评论区说报纸越来越薄，她也看到了，但她更在意每个字是不是放在了对的地方。');
    expect(news).toContain('分享一个细节：周伯的红笔已经用了七年，笔杆上缠着一圈胶布。');
    expect(bodyMarkdown('clip-column.txt')).toContain('我在一篇文章的评论里读到过一句话，说写字的人其实是在和纸商量。');
  });

  it('makes short lines standing alone between paragraphs real headings, and nothing else', () => {
    const headings = (name: string) => article(name).headings.map((h) => [h.depth, h.text]);
    expect(headings('clip-news.txt')).toEqual([
      [2, '版面是一张地图'],
      [2, '最后一次校对'],
    ]);
    expect(headings('clip-wechat.txt')).toEqual([
      [2, '01 选址'],
      [2, '02 进货'],
      [2, '03 活下去'],
    ]);
    expect(headings('clip-gbk.txt')).toEqual([
      [2, '三十年的邮路'],
      [2, '快递进村以后'],
    ]);
    expect(headings('clip-big5.txt')).toEqual([
      [2, '鉛字的重量'],
      [2, '最後一批客人'],
    ]);
    // Verse stays verse (lines kept with line breaks), a short quotation stays a paragraph, the signature stays.
    expect(headings('clip-column.txt')).toEqual([[2, '临帖的笔记']]);
    expect(bodyMarkdown('clip-column.txt')).toContain('檐下灯一盏，\\\n窗外雪三更。\\\n墨研千回转，\\\n纸上一痕轻。');
    expect(bodyMarkdown('clip-news.txt')).toContain('\n\n“这里应该是‘地’。”他说。\n\n');
    expect(bodyMarkdown('clip-column.txt')).toMatch(/\n\n（2022年冬，写于北窗下）$/);
  });

  it('says when a source has a name but no address', () => {
    expect(result.diagnostics).toContainEqual({
      severity: 'warning',
      file: fixture('clip-gbk.txt'),
      rule: 'import-source',
      message: 'The source "山南都市报" has no web address; `source` (a URL) is left out',
    });
  });
});

describe('anthology import: recognising lines', () => {
  it('reads dates in the common Chinese forms; a time counts only with its zone', () => {
    expect(parseDateLine('2024-05-01 08:30')).toEqual({ date: '2024-05-01' });
    expect(parseDateLine('2024年5月1日 08:30')).toEqual({ date: '2024-05-01' });
    expect(parseDateLine('2024/5/1')).toEqual({ date: '2024-05-01' });
    expect(parseDateLine('2024.05.01 星期三 08:30:15 GMT+8')).toEqual({ date: '2024-05-01T08:30:15+08:00' });
    expect(parseDateLine('2024年05月01日 08:30 北京时间')).toEqual({ date: '2024-05-01T08:30:00+08:00' });
    expect(parseDateLine('发布时间：2024-05-01 08:30 来源：城南晚报')).toEqual({ date: '2024-05-01', source: { kind: 'source', value: '城南晚报', url: undefined } });
    expect(parseDateLine('2024-05-01 来源：https://news.example.cn/a.html')?.source?.url).toBe('https://news.example.cn/a.html');
    expect(parseDateLine('2024年2月30日')).toBeUndefined();
    // Sentences that start with a date are the article's.
    expect(parseDateLine('2024年5月1日，我们从县城出发。')).toBeUndefined();
    expect(parseDateLine('2024年5月1日，我们出发，天还没亮')).toBeUndefined();
    expect(parseIsoDate('2023-11-14T16:05:00Z')).toBe('2023-11-14T16:05:00+00:00');
    expect(parseIsoDate('2024-05-01 08:30')).toBe('2024-05-01');
    expect(findDate('Published November 14, 2023')?.value).toBe('2023-11-14');
  });

  it('reads bylines; editors and photographers are not authors', () => {
    expect(parseCredits('文 | 张三')).toEqual([{ kind: 'author', names: ['张三'] }]);
    expect(parseCredits('文丨张三')).toEqual([{ kind: 'author', names: ['张三'] }]);
    expect(parseCredits('作者：张三、李四')).toEqual([{ kind: 'author', names: ['张三', '李四'] }]);
    expect(parseCredits('作者丨张三 编辑丨李四')).toEqual([{ kind: 'author', names: ['张三'] }, { kind: 'editor' }]);
    expect(parseCredits('记者 王小明')).toEqual([{ kind: 'author', names: ['王小明'] }]);
    expect(parseCredits('编辑丨赵一川')).toEqual([{ kind: 'editor' }]);
    expect(parseCredits('摄影：王五')).toEqual([{ kind: 'photo' }]);
    expect(parseCredits('By Jane Doe and John Roe')).toEqual([{ kind: 'author', names: ['Jane Doe', 'John Roe'] }]);
    expect(parseCredits('作者：李文 编辑：王五')).toEqual([{ kind: 'author', names: ['李文'] }, { kind: 'editor' }]);
    // Prose is not a byline.
    expect(parseCredits('By the time we arrived, the mill was closed.')).toBeUndefined();
    expect(parseCredits('记者来到了现场，看到工人们正在卸货。')).toBeUndefined();
    expect(parseCredits('文章写完以后')).toBeUndefined();
    // Only a few labels go with a bare space; the rest need a separator.
    expect(parseCredits('整理 旧书')).toBeUndefined();
    expect(parseCredits('整理：王五')).toEqual([{ kind: 'author', names: ['王五'] }]);
  });

  it('reads source, closing-link and original-title lines', () => {
    expect(parseSourceLine('本文转自江岸日报客户端')).toEqual({ kind: 'source', value: '江岸日报客户端', url: undefined });
    expect(parseSourceLine('来源：https://a.example.cn/x.html')).toEqual({ kind: 'source', value: 'https://a.example.cn/x.html', url: 'https://a.example.cn/x.html' });
    expect(parseSourceLine('本文链接：https://a.example.cn/x.html')).toEqual({ kind: 'link', value: 'https://a.example.cn/x.html', url: 'https://a.example.cn/x.html' });
    expect(parseSourceLine('原标题：纸的背面')).toEqual({ kind: 'original-title', value: '纸的背面' });
    expect(parseSourceLine('来源于生活的故事往往最动人。')).toBeUndefined();
    expect(parseSourceLine('来源：江岸日报 2024-03-18 07:45 北京时间')).toEqual({ kind: 'source', value: '江岸日报', url: undefined, date: '2024-03-18T07:45:00+08:00' });
  });

  it('knows page furniture only as whole lines', () => {
    for (const line of ['登录后参与评论', '发表评论', '分享到：微信 微博', '上一篇：城市书房', '下一篇：旧书店', '责任编辑：罗一鸣', '点赞', '收藏', '版权声明：本文版权归某报所有。', '评论（12）', '0条评论', 'Advertisement', 'Share this article: Facebook X', '（完）', '阅读 1.2万']) {
      expect(isFurniture(line), line).toBe(true);
    }
    for (const line of [
      '读者在评论区说报纸越来越薄。',
      '分享一个细节：周伯的红笔已经用了七年。',
      '点赞的人很多，收藏的人更少。',
      '他登录后参与了评论。',
      '上一篇文章里我们讲过活字的历史。',
      '版权归属问题一直困扰着出版社。',
      '还没有评论家注意到这本书。',
      '编辑部的灯还亮着。',
      '收藏家老周',
    ]) {
      expect(isFurniture(line), line).toBe(false);
    }
  });

  it('keeps Markdown characters of a clipping as text, and joins hard-wrapped lines', () => {
    const text = [
      '标题在这里',
      '',
      '1. 这一行以数字和点开头，不是列表。',
      '',
      '# 这一行以井号开头，也不是标题。',
      '',
      'This paragraph was copied from a page that wraps its lines at a fixed width',
      'so the sentence goes on here and ends on this line.',
      '',
      '*星号* 和 _下划线_ 都是原文。',
    ].join('\n');
    const { meta, body } = extractText(text, { encoding: 'utf-8' });
    expect(meta.title).toBe('标题在这里');
    const md = createStringifier().stringify(body);
    expect(md).toContain('1\\. 这一行以数字和点开头，不是列表。');
    expect(md).toContain('\\# 这一行以井号开头，也不是标题。');
    expect(md).toContain('This paragraph was copied from a page that wraps its lines at a fixed width\nso the sentence goes on here and ends on this line.');
    expect(md).toContain('\\*星号\\* 和 \\_下划线\\_ 都是原文。');
    expect(body.children.map((c) => c.type)).toEqual(['paragraph', 'paragraph', 'paragraph', 'paragraph']);
  });

  it('keeps lines after a comment marker that read like sentences, and says so', () => {
    const { body, warnings } = extractText(['标题', '第一段正文写在这里，说了一件事。', '网友评论', '这篇写得真好，我也有同感。'].join('\n'), { encoding: 'utf-8' });
    expect(createStringifier().stringify(body)).toContain('这篇写得真好，我也有同感。');
    expect(warnings.map((w) => w.rule)).toContain('import-comments');
  });

  it('cuts a trailer of related links also when paragraphs are separated by blank lines', () => {
    const text = ['来源：某报 2024-06-01', '', '标题', '', '第一段正文写在这里，说了一件事。', '', '第二段正文也写在这里。', '', '相关阅读', '另一篇文章的标题', '再一篇文章的标题', '', '点赞', '收藏'].join('\n');
    const { meta, body, dropped } = extractText(text, { encoding: 'utf-8' });
    expect(meta).toMatchObject({ title: '标题', date: '2024-06-01' });
    expect(createStringifier().stringify(body)).toBe('第一段正文写在这里，说了一件事。\n\n第二段正文也写在这里。\n');
    expect(dropped).toEqual(['来源：某报 2024-06-01', '相关阅读', '另一篇文章的标题', '再一篇文章的标题', '点赞', '收藏']);
  });

  it('uses the file name when there is no title line', async () => {
    const dir = await mkdtemp(path.join(tmp, 'untitled-'));
    const input = path.join(dir, 'notes-2024.txt');
    await writeFile(input, '这是一段很长的正文，没有标题，一开头就是文章本身，写得很长很长，超过了标题应有的长度，所以不能当作标题。\n第二段。\n');
    const r = await importFiles([input], { out: path.join(dir, 'out') });
    expect(r.ok).toBe(true);
    expect(r.files[0]!.meta.title).toBe('notes-2024');
    expect(path.basename(r.files[0]!.output)).toBe('notes-2024.md');
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', rule: 'import-title' }));
    expect(r.files[0]!.markdown).toContain('这是一段很长的正文，没有标题');
  });
});

describe('anthology import: Chinese news pages', () => {
  it('reads the bylines of a 36Kr clipping: the author, the publisher of the reprint notice, the date; the summary never from furniture', () => {
    expect(frontMatter('clip-36kr.txt')).toEqual({
      title: '云南咖啡的下一个十年',
      subtitle: '《一杯云南咖啡的两种命运》', // 原标题, at the end
      author: '陈思远', // not the research institute of 文 |, not the editor, not the account that posted it
      date: '2024-04-12',
      publisher: '远川研究所', // 本文来自微信公众号“远川研究所”… beats 发布在 36氪
      lang: 'zh-CN',
      original: '_originals/云南咖啡的下一个十年.txt',
    });
  });

  it('reads a WeChat page: the account as publisher, the description without the follow prompt and byline as summary', () => {
    expect(frontMatter('wechat-zh.html')).toEqual({
      title: '预制菜走进县城饭馆',
      subtitle: '《县城饭馆的后厨在变小》',
      author: '林知远',
      date: '2024-04-12',
      source: 'http://mp.weixin.qq.com/s?__biz=MzA5NTc4OTk2MA==&mid=2650001234&idx=1&sn=5f0c2a9e&chksm=8b1c2d3e#rd',
      publisher: '山海产业研究院',
      lang: 'zh-CN',
      summary: '县城饭馆的后厨，正在悄悄变小。',
      original: '_originals/预制菜走进县城饭馆.html',
    });
  });

  it('takes quoted lines alone as headings when the article has other headings like them, and keeps quoted speech as it is', () => {
    const headings = (name: string) => article(name).headings.map((h) => [h.depth, h.text]);
    expect(headings('clip-36kr.txt')).toEqual([
      [2, '“云南咖啡有先天短板”'],
      [2, '“精品化是一条窄路”'],
      [2, '“下一个十年靠什么”'],
    ]);
    expect(headings('wechat-zh.html')).toEqual([
      [2, '“预制菜有先天短板”'],
      [2, '“冷链是一道门槛”'],
      [2, '“饭馆为什么离不开它”'],
    ]);
    expect(bodyMarkdown('clip-36kr.txt')).toContain('\n\n“你喝过自己种的咖啡吗？”\n\n');
    expect(bodyMarkdown('wechat-zh.html')).toContain('\n\n“你们的菜是现做的吗？”\n\n');
  });

  it('takes a lone quoted line as a heading only beside real headings, never among quoted speech', () => {
    const md = (text: string) => createStringifier().stringify(extractText(text, { encoding: 'utf-8' }).body);
    const prose = '这是一段足够长的正文，讲了一件事情的来龙去脉，也讲了它为什么重要。';
    // One quoted line and no other heading: a quotation.
    expect(md(['标题', prose, '“某行业有先天短板”', prose].join('\n'))).not.toMatch(/^## /m);
    // Beside a plain heading: a heading too.
    expect(md(['标题', prose, '“某行业有先天短板”', prose, '第二部分', prose].join('\n'))).toMatch(/^## “某行业有先天短板”$/m);
    // Dialogue without punctuation stays dialogue.
    expect(md(['标题', prose, '“多少”', '“三块”', prose, '“再来一碗”', prose].join('\n'))).not.toMatch(/^## “(?:多少|三块)”/m);
  });

  it('loses no sentence of the article: every sentence of the fixtures\' article text is in the Markdown, once, and nothing else is', () => {
    const sentences = (text: string) =>
      text
        .split(/\n|(?<=[。！？!?](?![”’」』]))|(?<=[。！？!?][”’」』])/u)
        .map((x) => x.replace(/^#+\s*/, '').replace(/\*\*/g, '').trim())
        .filter(Boolean);
    const cases: [string, string[]][] = [
      ['clip-36kr.txt', readFileSync(fixture('clip-36kr.txt'), 'utf8').split('\n').slice(1).filter((l) => l.trim() && !CLIPPINGS['clip-36kr.txt']!.removed.includes(l.trim()))],
      ['wechat-zh.html', PAGES['wechat-zh.html']!.paragraphs],
    ];
    for (const [name, article] of cases) {
      // The paragraphs as the fixture writes them (for the page: as in its HTML).
      if (name.endsWith('.html')) for (const p of article) expect(readFileSync(fixture(name), 'utf8'), p).toContain(p);
      const given = sentences(article.join('\n'));
      const got = sentences(bodyMarkdown(name).replace(/^!\[.*$/gm, ''));
      expect(given.length, name).toBeGreaterThan(20);
      expect(got, name).toEqual(given);
    }
  });

  it('reads the byline shapes of Chinese clippings, and not sentences that start with the same words', () => {
    const meta = (line: string) => readMetaLine(line);
    expect(meta('文 | 某某研究院，作者丨王五，编辑丨赵六')).toEqual({ authors: ['王五'], publisher: { name: '某某研究院', weight: 1 } });
    expect(meta('作者：比尔·布赖森（摘自《人体简史》一书）')).toEqual({ authors: ['比尔·布赖森'] });
    expect(meta('作者：[英] 比尔·布莱森')).toEqual({ authors: ['比尔·布莱森'] });
    expect(meta('作者：保罗·格拉汉姆（Paul Graham）')).toEqual({ authors: ['保罗·格拉汉姆'] });
    expect(meta('本文转自 江岸日报')).toMatchObject({ publisher: { name: '江岸日报' } });
    expect(meta('本文来自微信公众号“远川研究所”（ID：yuanchuan），作者：陈思远，36氪经授权发布。')).toEqual({ authors: ['陈思远'], publisher: { name: '远川研究所', weight: 4 } });
    expect(meta('远川研究所 发布在 36氪')).toEqual({ authors: [], fallbackAuthor: '远川研究所', publisher: { name: '36氪', weight: 0 } });
    expect(meta('原标题：《县城书店的第三个冬天》')).toMatchObject({ subtitle: '《县城书店的第三个冬天》' });
    for (const line of [
      '作者在普洱走访了十几家咖啡庄园，发现一个庄园主要同时照看好几片不相连的坡地。',
      '作者说，这个作品花了他整整3天时间，所有折叠加在一起，可能有几千次之多。',
      '作者谈了他不喜欢的8个 Python 语法。',
      '作者 John MacFarlane 是加州大学的哲学教授，也是程序员。',
      '编辑过程中，它们勾起了我的一点回忆。',
      '编辑部收到的读者来信里，有人问云南咖啡是不是只能做速溶。',
      '周刊每周五发布在我的个人网站和微信公众号，欢迎订阅。',
      '该功能已经发布在最新的 Chrome 107。',
      '原文发表在2021年7月1日的日本广播协会官网，以下是摘译。',
      '来源于同一片山坡的豆子，用不同的方法处理，喝起来可能完全是两种咖啡。',
      '数据来源：山海产业研究院对二十一家县城饭馆的走访记录。',
      '文章发布在周五。',
      '本文来自一次漫长的采访，作者花了三个月整理。',
    ]) {
      expect(meta(line), line).toBeUndefined();
      expect(isFurniture(line), line).toBe(false);
      expect(isClosingLine(line), line).toBe(false);
    }
  });

  it('knows the furniture of WeChat and news apps, and not sentences about it', () => {
    for (const line of ['点击上方蓝字关注我们', '点击上方“远川研究所”，选择“设为星标”', '↑ 点击上方蓝字关注我们', '阅读 3,201', '阅读 10万+', '在看 58', '分享、点赞、在看，都是对我们最大的鼓励', '喜欢就点个在看吧', '点个在看你最好看', '发表于浙江', 'IP属地：北京']) {
      expect(isFurniture(line), line).toBe(true);
    }
    for (const line of ['2.4万', '10万+', '3,201']) expect(isBareCount(line), line).toBe(true);
    for (const line of [
      '他们在看什么？',
      '读者的分享、点赞和在看是算法的重要信号。',
      '点击上方的按钮以后，页面会跳到另一个地址。',
      '关注我们的读者大多来自县城。',
      '2.4万家门店在用这种料理包。',
      '他在看书',
    ]) {
      expect(isFurniture(line), line).toBe(false);
      expect(isBareCount(line), line).toBe(false);
    }
  });

  it('cleans a page description of furniture and bylines, or leaves the summary out', () => {
    expect(cleanSummary('点击上方蓝字关注我们 文 | 某某研究院，作者丨王五 县城的后厨正在变小。')).toBe('县城的后厨正在变小。');
    expect(cleanSummary('点击上方蓝字关注我们')).toBeUndefined();
    expect(cleanSummary('作者丨王五 编辑丨赵六')).toBeUndefined();
    expect(cleanSummary('城东再生纸厂每天吞进一百二十吨旧报纸。')).toBe('城东再生纸厂每天吞进一百二十吨旧报纸。');
  });
});

describe('anthology import: writing', () => {
  it('--dry-run writes nothing and prints each target path with its full Markdown', async () => {
    const dir = await mkdtemp(path.join(tmp, 'dry-'));
    const r = await importFiles([fixture('clip-news.txt'), fixture('news-zh.html')], { out: 'articles', dryRun: true, cwd: dir });
    expect(r.ok).toBe(true);
    expect(r.files.map((f) => f.written)).toEqual([false, false]);
    expect(r.files[0]!.output).toBe(path.join(dir, 'articles', '夜班编辑的最后一个版面.md'));
    expect(await readdir(dir)).toEqual([]);

    const io = capture();
    expect(await runImport(['--dry-run', '--out', 'articles', fixture('clip-news.txt')], io, dir)).toBe(0);
    expect(await readdir(dir)).toEqual([]);
    expect(io.out).toContain(`==> ${path.join('articles', '夜班编辑的最后一个版面.md')} (from ${fixture('clip-news.txt')}, text, utf-8)\n---\ntitle: 夜班编辑的最后一个版面\n`);
    expect(io.out).toContain(r.files[0]!.markdown);
    expect(io.out).toContain('  dropped: 登录后参与评论\n');
    expect(io.err).toContain('would write 1 article (dry run: nothing written)');
  });

  it('refuses to overwrite an existing article, naming it, unless --force', async () => {
    const dir = await mkdtemp(path.join(tmp, 'exists-'));
    const target = path.join(dir, 'articles', '夜班编辑的最后一个版面.md');
    const first = await importFiles([fixture('clip-news.txt')], { out: 'articles', cwd: dir });
    expect(first.ok).toBe(true);
    await writeFile(target, '# 我改过的版本\n');

    const second = await importFiles([fixture('clip-news.txt')], { out: 'articles', cwd: dir });
    expect(second.ok).toBe(false);
    expect(second.diagnostics).toEqual([expect.objectContaining({ severity: 'error', rule: 'import-exists', file: fixture('clip-news.txt'), message: expect.stringContaining(target) })]);
    expect(await readFile(target, 'utf8')).toBe('# 我改过的版本\n');
    // The dry run says the same.
    expect((await importFiles([fixture('clip-news.txt')], { out: 'articles', cwd: dir, dryRun: true })).ok).toBe(false);

    const forced = await importFiles([fixture('clip-news.txt')], { out: 'articles', cwd: dir, force: true });
    expect(forced.ok).toBe(true);
    expect(await readFile(target, 'utf8')).toBe(first.files[0]!.markdown);
    // No temporary files are left behind.
    expect(await readdir(path.join(dir, 'articles'))).toEqual(['_originals', '夜班编辑的最后一个版面.md']);
    expect(await readdir(path.join(dir, 'articles', '_originals'))).toEqual(['夜班编辑的最后一个版面.txt', '夜班编辑的最后一个版面.txt.yaml']);
  });

  it('gives two inputs with one title two files', async () => {
    const dir = await mkdtemp(path.join(tmp, 'twice-'));
    const copy = path.join(dir, 'copy.txt');
    await writeFile(copy, readFileSync(fixture('clip-news.txt')));
    const r = await importFiles([fixture('clip-news.txt'), copy], { out: 'articles', cwd: dir });
    expect(r.files.map((f) => path.basename(f.output))).toEqual(['夜班编辑的最后一个版面.md', '夜班编辑的最后一个版面-2.md']);
  });

  it('reports every failing file at once, imports the rest, and exits 1', async () => {
    const dir = await mkdtemp(path.join(tmp, 'errors-'));
    await writeFile(path.join(dir, 'empty.txt'), '  \n\n');
    await writeFile(path.join(dir, 'page.mhtml'), 'MIME-Version: 1.0\n');
    const io = capture();
    const code = await runImport(['missing.html', 'empty.txt', fixture('clip-column.txt'), 'page.mhtml'], io, dir);
    expect(code).toBe(1);
    expect(io.err.split('\n').filter((l) => / error /.test(l))).toEqual([
      'missing.html: error No such file [import-read]',
      'empty.txt: error The file is empty [import-empty]',
      'page.mhtml: error Web archives (.mht, .mhtml) are not supported: save the page as "Webpage, HTML only" (.html) and import that [import-format]',
    ]);
    expect(io.err).toContain('anthology import: wrote 1 article, 3 files failed');
    expect(io.out).toBe(`wrote ${path.join('articles', '雪夜读帖记.md')} (from ${fixture('clip-column.txt')}, text, utf-8; 2 lines left out; original kept as ${path.join('articles', '_originals', '雪夜读帖记.txt')})\n`);
    expect(await readdir(path.join(dir, 'articles'))).toEqual(['_originals', '雪夜读帖记.md']);
  });

  it('exits 2 on usage errors and 0 with --help', async () => {
    let io = capture();
    expect(await runImport([], io, tmp)).toBe(2);
    expect(io.err).toContain('import needs at least one file');
    io = capture();
    expect(await runImport(['--bogus', 'a.txt'], io, tmp)).toBe(2);
    expect(io.err).toMatch(/Unknown option '--bogus'/);
    io = capture();
    expect(await runImport(['--help'], io, tmp)).toBe(0);
    expect(io.out).toContain('Usage: anthology import FILE…');
  });
});

describe('anthology import: the originals', () => {
  it('keeps each imported file byte for byte in _originals/, with its SHA-256, its name and the date of the import', async () => {
    const now = new Date('2024-06-01T09:30:15.250Z');
    const dir = await mkdtemp(path.join(tmp, 'originals-'));
    const r = await importFiles([fixture('news-zh.html'), fixture('clip-gbk.txt')], { out: 'articles', cwd: dir, now });
    expect(r.ok).toBe(true);
    for (const f of r.files) {
      const given = readFileSync(f.input);
      const copy = path.join(dir, 'articles', f.original.file);
      const kept = readFileSync(copy);
      // The same bytes (GBK stays GBK), and the hash says so.
      expect(kept.equals(given), f.input).toBe(true);
      expect(createHash('sha256').update(kept).digest('hex')).toBe(f.original.sha256);
      const record = parseYamlText(readFileSync(copy + '.yaml', 'utf8')) as Record<string, unknown>;
      expect(record).toEqual({
        file: f.original.file,
        name: path.basename(f.input),
        sha256: createHash('sha256').update(given).digest('hex'),
        bytes: given.length,
        encoding: f.encoding,
        imported: '2024-06-01T09:30:15Z',
        article: path.basename(f.output),
        ...(f.meta.source ? { source: f.meta.source } : {}),
      });
      expect(frontMatterOf(readFileSync(f.output, 'utf8')).original).toBe(f.original.file);
    }
    expect(r.files.map((f) => f.original.file)).toEqual(['_originals/旧报纸去了哪里-一座纸厂的回收账本.html', '_originals/乡村邮递员的自行车.txt']);
    expect(r.files[1]!.original.encoding).toBe('GB18030');
  });

  it('keeps an identical original when the same file is imported again, and replaces a different one only with --force', async () => {
    const dir = await mkdtemp(path.join(tmp, 'originals-again-'));
    const input = path.join(dir, 'page.txt');
    await writeFile(input, readFileSync(fixture('clip-column.txt')));
    expect((await importFiles([input], { out: 'articles', cwd: dir })).ok).toBe(true);
    const article = path.join(dir, 'articles', '雪夜读帖记.md');
    const copy = path.join(dir, 'articles', '_originals', '雪夜读帖记.txt');
    // The article removed, the same page imported again: its original is still the one kept.
    await rm(article);
    expect((await importFiles([input], { out: 'articles', cwd: dir })).ok).toBe(true);
    // The article removed, a changed page under the same title: the old original is not overwritten.
    await rm(article);
    await writeFile(input, readFileSync(fixture('clip-column.txt'), 'utf8') + '\n补记：雪停了。\n');
    const refused = await importFiles([input], { out: 'articles', cwd: dir });
    expect(refused.diagnostics).toEqual([expect.objectContaining({ severity: 'error', rule: 'import-exists', message: expect.stringContaining(copy) })]);
    expect(readFileSync(copy).equals(readFileSync(fixture('clip-column.txt')))).toBe(true);
    expect((await importFiles([input], { out: 'articles', cwd: dir, force: true })).ok).toBe(true);
    expect(readFileSync(copy).equals(readFileSync(input))).toBe(true);
  });

  it('is never published: not in the site, not in the EPUB', async () => {
    const dir = await mkdtemp(path.join(tmp, 'originals-build-'));
    const r = await importFiles([fixture('news-zh.html'), fixture('clip-wechat.txt')], { out: 'articles', cwd: dir });
    expect(r.ok).toBe(true);
    await writeFile(path.join(dir, 'book.config.yaml'), 'title: 剪报\nlang: zh-CN\narticles: articles\n');
    const built = await buildFolder(dir, { formats: ['html', 'epub'] });
    try {
      expect(built.result.ok, built.result.diagnostics.report().join('\n')).toBe(true);
      expect(built.result.diagnostics.items.filter((d) => d.rule.startsWith('front-matter'))).toEqual([]);
      const files = (await readdir(built.out, { recursive: true })).map(String);
      expect(files.some((f) => /\.html$/.test(f) && f.includes('在县城开一家独立书店是什么体验'))).toBe(true);
      expect(files.filter((f) => f.includes('_originals') || f.endsWith('.txt') || f.endsWith('.yaml'))).toEqual([]);
      // Words only the originals hold (page furniture, the hash) are nowhere in what readers get.
      const only = ['家电节大促', '微信扫一扫关注该公众号', r.files[0]!.original.sha256, '_originals'];
      for (const f of files.filter((x) => /\.(?:html|xml|json|css|js)$/.test(x) && !x.startsWith('pagefind'))) {
        const text = readFileSync(path.join(built.out, f), 'utf8');
        for (const word of only) expect(text.includes(word), `${word} in ${f}`).toBe(false);
      }
      const epubFile = files.find((f) => f.endsWith('.epub'))!;
      const epub = zipFiles(readFileSync(path.join(built.out, epubFile)));
      expect(epub.entries.filter((e) => /_originals|\.txt$|\.yaml$/.test(e.name))).toEqual([]);
      for (const e of epub.entries.filter((x) => /\.(?:xhtml|opf|ncx|xml|css)$/.test(x.name))) {
        const text = epub.text(e.name);
        for (const word of only) expect(text.includes(word), `${word} in ${e.name}`).toBe(false);
      }
    } finally {
      await built.cleanup();
    }
  }, 120_000);
});

describe('anthology import: duplicates', () => {
  it('names an input that is already an article of the folder (the same source, or nearly the same text) and one that is twice in the batch', async () => {
    const dir = await mkdtemp(path.join(tmp, 'duplicates-'));
    expect((await importFiles([fixture('clip-news.txt'), fixture('news-zh.html')], { out: 'articles', cwd: dir })).ok).toBe(true);
    // The same text, clipped again in Traditional characters with other spacing.
    const again = path.join(dir, 'again.txt');
    const text = readFileSync(fixture('clip-news.txt'), 'utf8')
      .replace(/^本文链接：.*$/m, '')
      .replace('夜班编辑的最后一个版面', '夜班編輯的最後一個版面')
      .replace(/报/g, '報')
      .replace(/。/g, '。 ');
    await writeFile(again, text);
    // The same page, its address with tracking parameters.
    const tracked = path.join(dir, 'tracked.html');
    await writeFile(tracked, readFileSync(fixture('news-zh.html'), 'utf8').replaceAll('旧报纸去了哪里：一座纸厂的回收账本', '旧报纸的去处').replaceAll('paper-ledger.html', 'paper-ledger.html?utm_source=wechat&from=timeline'));
    const other = path.join(DIR, 'clip-column.txt');
    const r = await importFiles([again, tracked, other, path.join(DIR, 'sources', 'clip-gbk.txt'), path.join(DIR, 'sources', 'clip-big5.txt')], { out: 'articles', cwd: dir });
    const duplicates = r.diagnostics.filter((d) => d.rule === 'import-duplicate');
    expect(duplicates).toEqual([
      expect.objectContaining({ severity: 'warning', file: again, message: expect.stringMatching(/^Duplicate article: articles\/夜班編輯的最後一個版面\.md and the article articles\/夜班编辑的最后一个版面\.md have nearly the same text \((?:9\d|100) % alike/) }),
      expect.objectContaining({ severity: 'warning', file: tracked, message: expect.stringContaining('articles/旧报纸的去处.md and the article articles/旧报纸去了哪里-一座纸厂的回收账本.md come from the same source (chengnan-evening.example/society/2024/05/01/paper-ledger.html)') }),
    ]);
    // Warned, still written: the editor chooses which to keep.
    expect(r.files).toHaveLength(5);

    const twice = await importFiles([other, other], { out: 'batch', cwd: dir, dryRun: true });
    expect(twice.diagnostics.filter((d) => d.rule === 'import-duplicate').map((d) => d.message)).toEqual([
      'Duplicate article: batch/雪夜读帖记-2.md and the import batch/雪夜读帖记.md have nearly the same text (100 % alike, not counting spacing, punctuation and Traditional or Simplified characters); keep one of them',
    ]);
  });
});

