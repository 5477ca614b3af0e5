/**
 * What a line of a clipped article is, when it is not the article itself:
 * a byline, a source, an image credit, a closing link, or page furniture.
 * Every pattern matches a whole line (never a word inside a sentence), and
 * the lists are kept short on purpose: a line that is not recognised stays in
 * the article. Simplified and traditional spellings are both listed.
 */
import { findDate } from './dates.ts';

/** Separators between a label and its value: `文 | 张三`, `作者丨张三`, `作者：张三`, `文/张三`. */
const SEP = String.raw`\s*[|丨｜:：/／]\s*`;

/** Sentence-ending punctuation inside a line: such a line is prose, not a label. */
const PROSE = /[。！？!?]|[，,].*[，,]/;

export type Credit = { kind: 'author'; names: string[] } | { kind: 'editor' } | { kind: 'photo' };

const AUTHOR_LABELS = ['文', '文字', '撰文', '作者', '作者名', '记者', '記者', '本报记者', '本報記者', '特约记者', '特約記者', '通讯员', '通訊員', '口述', '采写', '採寫', '整理'];
const EDITOR_LABELS = [
  '编辑', '編輯', '责任编辑', '責任編輯', '责编', '責編', '主编', '主編', '值班编辑', '值班編輯', '实习编辑', '實習編輯',
  '校对', '校對', '审核', '審核', '审校', '審校', '监制', '監製', '排版', '美编', '美編', '视觉', '視覺', '统筹', '統籌', '策划', '策劃', '出品',
];
const PHOTO_LABELS = ['摄影', '攝影', '图', '圖', '摄', '攝', '视频', '視頻', '制图', '製圖', '插图', '插圖'];

/** Labels that may be followed by a bare space (`记者 王小明`); the others need a separator (`整理：…`, `图 | …`). */
const SPACED_LABELS = ['文', '作者', '记者', '記者', '本报记者', '本報記者', '特约记者', '特約記者', '通讯员', '通訊員', '编辑', '編輯', '责任编辑', '責任編輯', '责编', '責編'];
const byLength = (list: string[]) => [...list].sort((a, b) => b.length - a.length).join('|');
const LABEL_RE = new RegExp(`(?<=^|\\s)(?:(${byLength([...AUTHOR_LABELS, ...EDITOR_LABELS, ...PHOTO_LABELS])})${SEP}|(${byLength(SPACED_LABELS)})\\s+)`, 'gu');
const LABEL_AT_START = new RegExp(`^(?:${LABEL_RE.source.replace('(?<=^|\\s)', '')})`, 'u');

/**
 * A credit line: `文 | 张三`, `作者丨张三 编辑丨李四`, `记者 王小明 通讯员 李青`,
 * `By Jane Doe and John Roe`. Editors and photographers are not authors.
 * Returns undefined when the line is anything else.
 */
export function parseCredits(line: string): Credit[] | undefined {
  const text = line.trim();
  if (!text || text.length > 80) return undefined;
  // `文 | 远川研究所，作者丨陈思远，编辑丨周一帆`: a credit between every comma.
  const parts = text.split(/\s*[，,；;]\s*/);
  if (parts.length > 1 && parts.every((p) => labelAt(p))) {
    const each = parts.map((p) => parseCredits(p));
    return each.every(Boolean) ? each.flatMap((c) => c!) : undefined;
  }
  if (PROSE.test(text)) return undefined;
  const english = /^by\s+(.+)$/i.exec(text);
  if (english) {
    const names = splitNames(english[1]!.replace(/\s*[|·•,]\s*(?:\d|updated|published).*$/i, ''));
    return names.length && names.every(looksLikeName) ? [{ kind: 'author', names }] : undefined;
  }
  // The line must start with a label; every value runs to the next label.
  const labels = [...text.matchAll(LABEL_RE)];
  if (!labels.length || labels[0]!.index !== 0) return undefined;
  const credits: Credit[] = [];
  for (let i = 0; i < labels.length; i++) {
    const m = labels[i]!;
    const label = (m[1] ?? m[2])!;
    const value = text.slice(m.index + m[0].length, labels[i + 1]?.index ?? text.length).trim();
    if (!value) return undefined;
    if (AUTHOR_LABELS.includes(label)) {
      const names = splitNames(value).map(cleanName).filter(Boolean);
      // A name is short: "记者 王小明", not "记者来到了现场".
      if (!names.length || names.some((n) => n.length > 24 || (/\p{Script=Han}/u.test(n) && !/\s/.test(n) && n.length > 8))) return undefined;
      credits.push({ kind: 'author', names });
    } else if (EDITOR_LABELS.includes(label)) credits.push({ kind: 'editor' });
    else credits.push({ kind: 'photo' });
  }
  return credits;
}

/** The line starts with a credit label: `作者丨…`, `文 | …`, `编辑：…`. */
function labelAt(text: string): boolean {
  return LABEL_AT_START.test(text);
}

/** `[英] 比尔·布莱森` → `比尔·布莱森`; `凯文·凯利（原文写于2014年）` → `凯文·凯利`: a nationality before, a note after. */
function cleanName(name: string): string {
  return name
    .replace(/^[\[［〔【（(]\s*\p{Script=Han}{1,3}\s*[\]］〕】）)]\s*/u, '')
    .replace(/\s*[（(][^（()）]*[)）]$/u, '')
    .trim();
}

/** `Jane Doe`, `Tomás de la Reyes`, `J. R. Smith`: capitalised words (and particles), at most five. */
function looksLikeName(name: string): boolean {
  const words = name.split(/\s+/);
  return words.length <= 5 && words.every((w) => /^\p{Lu}[\p{L}'’.-]*$/u.test(w) || /^(?:de|da|di|del|der|van|von|la|le|bin|al|y)$/.test(w));
}

/** `张三、李四`, `Jane Doe and John Roe`, `顾青禾, 程一苇` → one name each. */
export function splitNames(text: string): string[] {
  return text
    .split(/\s*(?:[、，,;；&＆]|\s+and\s+|\s+和\s+|\s+與\s+|\s+与\s+)\s*/i)
    .map((n) => n.replace(/^(?:by|文|作者)[\s:：|丨/]+/i, '').trim())
    .flatMap((n) => (/^[\p{Script=Han}]{2,4}(?:\s+[\p{Script=Han}]{2,4})+$/u.test(n) ? n.split(/\s+/) : [n]))
    .filter((n) => n && !/^(?:and|和|与|與)$/i.test(n));
}

export interface SourceLine {
  /** An http(s) address found on the line, if any. */
  url?: string;
  /** A date written on the same line (`来源：某报 2024-05-01 08:30`). */
  date?: string;
  /** `link`: the closing `本文链接：` line; `source`: `来源：`, `本文转自…`; `original-title`: `原标题：…`. */
  kind: 'link' | 'source' | 'original-title';
  value: string;
}

const LINK_LINE = /^(?:本文链接|本文連結|本文網址|本文网址|原文链接|原文連結|原文地址|原文網址|文章链接|文章連結|文章网址|文章網址|网址|網址|链接|連結|source|original url|link)\s*[:：]\s*(\S+)\s*$/i;
const SOURCE_LINE = /^(?:本文转自|本文轉自|本文来源于|本文來源於|本文来自|本文來自|本文来源|本文來源|转自|轉自|转载自|轉載自|来源于|來源於|来源|來源|稿源|出处|出處)\s*[:：|丨｜]?\s*(.+)$/;
const ORIGINAL_TITLE = /^(?:原标题|原標題|原题|原題)\s*[:：|丨｜]\s*(.+)$/;

/** A source, closing-link or original-title line, else undefined. */
export function parseSourceLine(line: string): SourceLine | undefined {
  const text = line.trim();
  const link = LINK_LINE.exec(text);
  if (link && httpUrl(link[1]!)) return { kind: 'link', url: httpUrl(link[1]!), value: link[1]! };
  const original = ORIGINAL_TITLE.exec(text);
  if (original && text.length <= 100) return { kind: 'original-title', value: original[1]!.trim() };
  const source = SOURCE_LINE.exec(text);
  if (source && text.length <= 100 && !/[。！？!?]$/.test(text)) {
    let value = source[1]!.trim();
    const found = findDate(value);
    if (found && found.start > 0) value = value.slice(0, found.start).trim();
    const result: SourceLine = { kind: 'source', value, url: httpUrl(value.split(/\s+/).find((w) => /^https?:\/\//i.test(w)) ?? '') };
    if (found && found.start > 0) result.date = found.value;
    return result;
  }
  return undefined;
}

/** An image credit: `图片来源：视觉中国`, `题图：…`, `圖片來源：…`. */
export function isImageCredit(line: string): boolean {
  const text = line.trim();
  return text.length <= 80 && !/[。！？!?]$/.test(text) && /^(?:图片来源|圖片來源|图源|圖源|题图|題圖|题图来源|題圖來源|头图|頭圖|头图来源|頭圖來源|封面图|封面圖|封面图片来源|封面圖片來源|配图|配圖|图片|圖片|image|photo|image credit|photo credit|cover image)\s*(?:来源|來源|source)?\s*[:：|丨｜]/i.test(text);
}

/**
 * A header line that carries a date: `2024-05-01 08:30 来源：某报`,
 * `发布时间：2024年5月1日`, `原创 山野书信 2024年01月20日 21:08`. Short, not
 * prose, and the date is the line's main business. Returns the date and any
 * `来源：` part.
 */
export function parseDateLine(line: string): { date: string; source?: SourceLine } | undefined {
  const text = line.trim();
  if (text.length > 70 || PROSE.test(text)) return undefined;
  const found = findDate(text);
  if (!found) return undefined;
  const before = text.slice(0, found.start).trim();
  const after = text.slice(found.end).trim();
  // Before the date, only a label or a few words (an account's name, "原创").
  if (before && !/^(?:(?:发布|發布|发表|發表|更新|出版|刊发|刊發|上传|上傳)?(?:时间|時間|日期)|date|published|posted|updated|[\p{L}\p{N}\s·]{1,16})\s*[:：|丨｜]?$/iu.test(before)) {
    return undefined;
  }
  const sourceStart = after.search(/(?:来源|來源|稿源|出处|出處)\s*[:：]/);
  const source = sourceStart >= 0 ? parseSourceLine(after.slice(sourceStart)) : undefined;
  const rest = sourceStart >= 0 ? after.slice(0, sourceStart).trim() : after;
  // After it, at most a place or a reading count: `浙江`, `阅读 1.2万`.
  if (rest.length > 16 || /[，,、；;]/.test(rest)) return undefined;
  return { date: found.value, source };
}

/** Lines that are never the article: comment boxes, sharing, paging, likes, copyright. */
const FURNITURE: RegExp[] = [
  // Comments and logging in.
  /^(?:请)?(?:登录|登入|登錄)(?:后|後)?(?:参与|參與|发表|發表|才能|即可|可以)?(?:评论|評論|留言|发言|發言)$/,
  /^(?:发表|發表|我要|写|寫|查看|查看全部|查看更多|全部|网友|網友|热门|熱門|最新|精选|精選)?(?:评论|評論|留言)(?:区|區)?\s*(?:[（(]\s*\d+\s*[)）]|\d+)?$/,
  /^\d+\s*(?:条|條|则|則)?(?:评论|評論|留言)$/,
  /^(?:暂无|暫無)(?:评论|評論|留言)(?:[，,]\s*(?:快来|快來)(?:抢沙发|搶沙發)吧?)?[!！。]?$/,
  /^(?:log ?in|sign ?in)(?: to)? (?:comment|reply|post a comment)\.?$/i,
  /^(?:comments?|leave a (?:comment|reply)|post a comment|\d+ comments?|comments? \(\d+\))$/i,
  // Sharing.
  /^(?:分享|分享到|分享至|一键分享|一鍵分享|转发|轉發|转发到|轉發到)\s*[:：]?(?:\s*(?:微信|微博|朋友圈|QQ空间|QQ空間|QQ|QQ好友|豆瓣|知乎|Facebook|Twitter|X|LINE|Line|WhatsApp|Telegram|LinkedIn|Email|E-mail|复制链接|複製連結|更多))*\s*$/i,
  /^share(?: this(?: article| story| post)?| on| via)?\s*:?(?:\s*(?:facebook|twitter|x|linkedin|email|whatsapp|reddit|pinterest|copy link))*\s*$/i,
  // Paging between articles.
  /^(?:上一篇|下一篇|上一篇文章|下一篇文章|上篇|下篇)\s*[:：].{0,60}$/,
  /^(?:上一页|下一页|上一頁|下一頁)$/,
  /^(?:previous|next)(?: article| story| post)?\s*:.{0,80}$/i,
  // Credits of the desk, not the writers.
  new RegExp(`^(?:${['责任编辑', '責任編輯', '责编', '責編', '值班编辑', '值班編輯', '实习编辑', '實習編輯', '校对', '校對', '审核', '審核', '审校', '審校', '监制', '監製', '编辑', '編輯', '美编', '美編', '排版'].join('|')})${SEP}[^。！？!?]{1,30}$`, 'u'),
  // Likes, bookmarks and other buttons.
  /^(?:点赞|點讚|點贊|按讚|赞|讚|收藏|在看|赞赏|讚賞|喜欢|喜歡|推荐|推薦|举报|舉報|打印|列印|关闭|關閉|关闭窗口|關閉視窗|返回顶部|回到顶部|回到頂部|返回首页|返回首頁|阅读原文|閱讀原文|展开全文|展開全文|点击展开全文|點擊展開全文|打开APP|打开App|打開APP|打开APP阅读全文|打开App阅读全文|下载客户端|下載客戶端|扫码关注|掃碼關注|微信扫一扫|微信掃一掃|微信扫一扫关注该公众号|微信掃一掃關注該公眾號|预览时标签不可点|預覽時標籤不可點|轻点两下取消赞|輕點兩下取消讚|轻点两下取消在看|輕點兩下取消在看|已同步到看一看|写下你的评论|寫下你的評論|广告|廣告|推广|推廣|Advertisement|Sponsored|Ad)$/i,
  /^(?:点赞|點讚|按讚|赞|收藏|在看|阅读|閱讀|浏览|瀏覽|评论|評論|分享|阅读量|閱讀量|浏览量|瀏覽量)\s*[:：]?\s*[\d.,]+\s*[万萬wWkK]?\+?$/,
  /^[\d.,]+\s*[万萬wWkK]?\+?\s*(?:人|次)?(?:点赞|點讚|收藏|阅读|閱讀|浏览|瀏覽|参与|參與|喜欢|喜歡|在看|看过|看過)$/,
  // Follow and star prompts of WeChat accounts: `点击上方蓝字关注我们`, `点击上方“某某”，选择“设为星标”`.
  /^[↑⬆☝👆\s]*(?:点击|點擊|点|點|戳)(?:上方|下方|上面|下面|顶部|頂部|蓝字|藍字)[^。！？!?]{0,30}(?:关注|關注|星标|星標|置顶|置頂|订阅|訂閱)[^。！？!?\s|丨｜]{0,20}$/u,
  /^(?:关注我们|關注我們|欢迎关注|歡迎關注|长按二维码关注|長按二維碼關注|长按识别二维码关注|長按識別二維碼關注)[^。！？!?\s|丨｜]{0,20}$/,
  // Share, like and 在看 prompts: two of the buttons named together, or `点个在看`.
  /^[^。！？!?]{0,16}(?:分享|点赞|點讚|在看|转发|轉發|收藏)(?:[、，,和与與及\s]+(?:分享|点赞|點讚|在看|转发|轉發|收藏)){1,3}[^。！？!?]{0,20}[!！~～]?$/,
  /^[^。！？!?]{0,16}(?:点个|點個|点一下|點一下|点亮|點亮|顺手点个|順手點個)\s*(?:在看|赞|讚|小心心)[^。！？!?]{0,16}[!！~～]?$/,
  // Where the account posted from (`发表于浙江`, `IP属地：北京`).
  /^(?:发表于|發表於|IP属地|IP屬地)\s*[:：]?\s*\p{Script=Han}{2,8}$/u,
  /^(?:字号|字號|字体|字體)\s*[:：]?\s*(?:[大中小]\s*)+$/,
  // Copyright and reprint boilerplate, when the line is nothing else.
  /^(?:版权声明|版權聲明|免责声明|免責聲明|转载声明|轉載聲明)\s*[:：]/,
  /^(?:本文)?(?:版权|版權|著作权|著作權)(?:归|歸|属于|屬於)[^。！？]{1,40}所有[^。！？]{0,60}[。.]?$/,
  /^(?:版权所有|版權所有)(?:[\s©:：].{0,100})?$/,
  /^(?:转载请|轉載請|如需转载|如需轉載)[^。！？]{0,40}(?:联系|聯繫|注明|註明|授权|授權)[^。！？]{0,40}[。.]?$/,
  /^(?:未经授权|未經授權|未经许可|未經許可)[^。！？]{0,30}(?:转载|轉載|使用|复制|複製)[。.]?$/,
  /^(?:©|\(c\)|copyright\s+(?:©|\(c\)|\d{4})).{0,160}$/i,
  // Breadcrumbs.
  /^(?:首页|首頁|当前位置|當前位置|您的位置|你的位置|您现在的位置|您現在的位置)\s*[:：>›»/]/,
  // End marks.
  /^[-—–_=~·\s]*(?:[（(【\[]\s*完\s*[)）】\]]|完|END|THE END|全文完)[-—–_=~·\s]*$/i,
  /^(?:原创|原創)$/,
];

/** Markers that start a trailer of links to other articles. */
const RELATED = /^(?:相关阅读|相關閱讀|相关文章|相關文章|相关推荐|相關推薦|推荐阅读|推薦閱讀|延伸阅读|延伸閱讀|热门推荐|熱門推薦|热门文章|熱門文章|热门排行|熱門排行|猜你喜欢|猜你喜歡|你可能还喜欢|你可能還喜歡|更多阅读|更多閱讀|往期回顾|往期回顧|往期推荐|往期推薦|related(?: articles| stories| posts| reading)?|read more|more stories|recommended(?: for you)?|you might also like)\s*[:：]?$/i;

/**
 * A reprint notice: `本文来自微信公众号“远川研究所”（ID：yuanchuan），作者：陈思远，36氪经授权发布。`
 * The whole line, and nothing else: where the article first appeared and who wrote it.
 */
const REPRINT = /^(?:本文|文章)?(?:来自|來自|来源于|來源於|转载自|轉載自|转自|轉自|首发于|首發於)(?:微信)?(?:公众号|公眾號|订阅号|訂閱號|微博|知乎专栏|知乎專欄)?\s*[:：]?\s*[“"「『《]([^”"」』》]{1,30})[”"」』》]\s*(?:[（(]\s*(?:ID|微信号|微信號)\s*[:：]\s*[\w.-]+\s*[)）])?\s*(?:[，,]\s*(?:作者|文|撰文)\s*[:：|丨｜]\s*([^，,。]{1,40}?))?\s*(?:[，,]\s*(?:编辑|編輯)\s*[:：|丨｜]\s*[^，,。]{1,20}?)?\s*(?:[，,]\s*[^，,。]{0,24}?(?:经授权|經授權|授权|授權)(?:发布|發布|转载|轉載|刊登|刊发|刊發)|[，,]\s*(?:转载请|轉載請)[^。]{0,30})?\s*[。.]?$/u;

export interface ReprintNotice {
  publisher: string;
  authors: string[];
}

export function parseReprintNotice(line: string): ReprintNotice | undefined {
  const text = line.trim();
  if (text.length > 120) return undefined;
  const m = REPRINT.exec(text);
  if (!m) return undefined;
  return { publisher: m[1]!.trim(), authors: m[2] ? splitNames(m[2]).map(cleanName).filter(Boolean) : [] };
}

/**
 * `远川研究所 发布在 36氪`, `山野书信 发表于 知乎`: who posted the article (a name) on which
 * site (a name, not a date). Short, without sentence punctuation.
 */
export function parsePostedLine(line: string): { poster: string; site: string } | undefined {
  const text = line.trim();
  if (text.length > 40 || /[。，,！？!?；;：:、]/.test(text)) return undefined;
  const m = /^(\S(?:.{0,18}\S)?)\s*(?:发布在|發布在|发表在|發表在|发布于|發布於|首发于|首發於)\s*(\S(?:.{0,18}\S)?)$/u.exec(text);
  if (!m || findDate(m[2]!) || /^[\d\s:./-]+$/.test(m[2]!)) return undefined;
  return { poster: m[1]!, site: m[2]! };
}

/** A bare count at the top or bottom of a clipped page: `2.4万`, `10万+`, `3,201`. Only meaningful there. */
export function isBareCount(line: string): boolean {
  return /^(?:[\d]{1,3}(?:,\d{3})+|\d+(?:\.\d+)?\s*[万萬wWkK]\+?|\d+\+)$/.test(line.trim());
}

/** An organisation rather than a person: `远川研究所`, `城南晚报`, `某某财经`, `XX Lab`. */
export function looksLikeOrganisation(name: string): boolean {
  return /(?:研究院|研究所|研究中心|研究室|实验室|實驗室|智库|智庫|编辑部|編輯部|工作室|团队|團隊|日报|日報|晚报|晚報|周刊|週刊|杂志|雜誌|报社|報社|新闻|新聞|传媒|傳媒|财经|財經|科技|观察|觀察|评论|評論|出版社|网|網|社|Lab|Labs|Media|Studio|Institute|Research)$/iu.test(name.trim());
}

/** What a header or trailer line of a clipped page says, when it is not the article: names, a publisher, a date, the original title. */
export interface MetaLine {
  authors: string[];
  /** Candidates for `publisher`, best first: a reprint notice, `本文转自`, then who posted where. */
  publisher?: { name: string; weight: number };
  /** A poster to use as the author when nothing else names one. */
  fallbackAuthor?: string;
  date?: string;
  source?: SourceLine;
  subtitle?: string;
}

/** Publisher weights: the stronger claim wins. */
export const PUBLISHER_WEIGHT = { reprint: 4, transfer: 3, account: 2, byline: 1, posted: 0 } as const;

/**
 * Reads a line as a byline, a reprint notice, a source or original-title
 * line, a `X 发布在 Y` line or a date line; undefined for anything else.
 * Names of organisations credited with `文 |` beside a person are the
 * publisher, not an author.
 */
export function readMetaLine(line: string): MetaLine | undefined {
  const text = line.trim();
  const reprint = parseReprintNotice(text);
  if (reprint) return { authors: reprint.authors, publisher: { name: reprint.publisher, weight: PUBLISHER_WEIGHT.reprint } };
  const credits = parseCredits(text);
  if (credits) return fromCredits(text, credits);
  const posted = parsePostedLine(text);
  if (posted) return { authors: [], fallbackAuthor: posted.poster, publisher: { name: posted.site, weight: PUBLISHER_WEIGHT.posted } };
  const source = parseSourceLine(text);
  if (source) {
    if (source.kind === 'original-title') return { authors: [], subtitle: source.value, source };
    const name = !source.url && source.value && source.value.length <= 30 && !/[。，,]/.test(source.value) ? source.value : undefined;
    return { authors: [], source, date: source.date, ...(name ? { publisher: { name, weight: PUBLISHER_WEIGHT.transfer } } : {}) };
  }
  const date = parseDateLine(text);
  if (date) {
    const name = date.source && !date.source.url && date.source.value.length <= 30 ? date.source.value : undefined;
    if (name) return { authors: [], date: date.date, source: date.source, publisher: { name, weight: PUBLISHER_WEIGHT.transfer } };
    // `原创 山野书信 2024年01月20日 21:08`: the account that posted it.
    const account = /^(?:原创|原創)\s+([^\s\d][^\s]{1,15})\s/u.exec(text)?.[1];
    return { authors: [], date: date.date, source: date.source, ...(account ? { publisher: { name: account, weight: PUBLISHER_WEIGHT.account } } : {}) };
  }
  return undefined;
}

/** The strongest claim on where the article first appeared (lines.ts PUBLISHER_WEIGHT), the first one on a tie. */
export class PublisherChoice {
  private best?: { name: string; weight: number };
  offer(candidate: { name: string; weight: number }): void {
    if (!this.best || candidate.weight > this.best.weight) this.best = candidate;
  }
  get name(): string | undefined {
    return this.best?.name;
  }
}

function fromCredits(text: string, credits: Credit[]): MetaLine {
  const authors = credits.flatMap((c) => (c.kind === 'author' ? c.names : []));
  // `文 | 远川研究所，作者丨陈思远`: the organisation is where it appeared, the person wrote it.
  const wen = /^(?:文|文字|撰文)\s*[|丨｜:：/／]\s*([^，,；;]+)/u.exec(text)?.[1]?.trim();
  if (wen && looksLikeOrganisation(wen) && authors.some((a) => a !== wen)) {
    return { authors: authors.filter((a) => a !== wen), publisher: { name: wen, weight: PUBLISHER_WEIGHT.byline } };
  }
  return { authors };
}

/**
 * A line that closes a clipped page after the article: a reprint notice, a
 * byline, a source or original-title line, a view count, furniture. A date
 * alone is not one (an essay may end with its place and date).
 */
export function isClosingLine(line: string): boolean {
  const meta = readMetaLine(line);
  if (meta && (meta.authors.length || meta.publisher || meta.fallbackAuthor || meta.subtitle || (meta.source && meta.source.kind !== 'link'))) return true;
  if (meta === undefined && parseCredits(line)) return true;
  return isFurniture(line) || isBareCount(line) || isImageCredit(line);
}

export function isFurniture(line: string): boolean {
  const text = line.trim();
  return text.length > 0 && text.length <= 200 && FURNITURE.some((re) => re.test(text));
}

export function isRelatedMarker(line: string): boolean {
  return RELATED.test(line.trim());
}

/** A comment-section marker: what follows it is readers' words, not the article. */
export function isCommentMarker(line: string): boolean {
  return /^(?:(?:网友|網友|全部|热门|熱門|最新|精选|精選|读者|讀者)(?:评论|評論|留言)|(?:评论|評論|留言)(?:区|區)?|comments?(?: \(\d+\))?|\d+ (?:条|條)?(?:评论|評論|comments?))\s*[:：]?$/i.test(line.trim());
}

/** `“某行业有先天短板”`, `「精品化是一条窄路」`: 2–30 characters in quotation marks, without sentence punctuation. */
export function isQuotedLine(text: string): boolean {
  return /^(?:“[^“”。！？!?；;…]{2,30}”|「[^「」。！？!?；;…]{2,30}」|『[^『』。！？!?；;…]{2,30}』|"[^"。！？!?；;…]{2,30}")$/u.test(text.trim());
}

/** Ends like a sentence (or a quotation): such a line is prose, not a heading. */
export function endsLikeSentence(text: string): boolean {
  return /[。．.！!？?；;：:，,、…—–"'“”‘’」』]$/u.test(text.trim());
}

/** An http(s) URL, as written (trailing punctuation removed), or undefined. */
export function httpUrl(text: string): string | undefined {
  const t = text.trim().replace(/[。，,.;；)）\]】>」』"'”’]+$/u, '');
  if (!/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(t)) return undefined;
  try {
    return /^https?:$/.test(new URL(t).protocol) ? t : undefined;
  } catch {
    return undefined;
  }
}
