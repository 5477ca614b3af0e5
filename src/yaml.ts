/**
 * YAML documents validated by a zod schema, with every problem placed at the
 * line and column where it is (shared by the book config and front matter).
 */
import { type Alias, isAlias, isCollection, isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic, Severity } from './diagnostics.ts';

export interface YamlResult<T> {
  data?: T;
  diagnostics: Diagnostic[];
  /** Where the value at a path of keys is written, for checks made after parsing. */
  valueAt?: (path: readonly PropertyKey[]) => { line: number; column: number } | undefined;
}

/**
 * How many values the aliases of a document may stand for in all. Front
 * matter and a book config are written by hand: a few hundred bytes that
 * expand to more than this are an alias bomb ("billion laughs").
 */
export const MAX_ALIAS_COUNT = 1000;

interface Options {
  file: string;
  /** Line of the file where the YAML text starts (1-based). */
  firstLine?: number;
  /** Rule ids for the three kinds of problem. */
  rules: { syntax: string; invalid: string; unknown: string };
  /** What the document is, for messages: "front matter", "book config". */
  what: string;
}

/** Parses and validates; unknown keys are warnings with a "did you mean". */
export function parseYaml<S extends z.ZodType>(text: string, schema: S, options: Options): YamlResult<z.output<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstLine = options.firstLine ?? 1;
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number | undefined): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line + firstLine - 1, column: pos.col };
  };
  const push = (severity: Severity, rule: string, message: string, offset?: number) =>
    diagnostics.push({ severity, rule, message, file: options.file, ...at(offset) });

  // An error noticed at the end of the text (an unclosed bracket) belongs to the last line written.
  const lastChar = text.trimEnd().length - 1;
  for (const e of doc.errors) {
    push('error', options.rules.syntax, `Invalid YAML in ${options.what}: ${firstSentence(e.message)}`, Math.max(0, Math.min(e.pos[0], lastChar)));
  }
  if (doc.errors.length) return { diagnostics };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    // The yaml package refuses aliases that expand too far, and aliases to nothing.
    const bomb = aliasBomb(doc);
    const message = bomb
      ? `Invalid YAML in ${options.what}: its aliases expand to ${bomb.total >= 1e6 ? `about ${formatCount(bomb.total)}` : formatCount(bomb.total)} values (\`*${bomb.alias.source}\` here alone stands for ${formatCount(bomb.size)}), which looks like an alias bomb; write the values out, or use fewer aliases`
      : `Invalid YAML in ${options.what}: ${firstSentence((error as Error).message)}`;
    push('error', options.rules.syntax, message, bomb?.alias.range?.[0] ?? firstAlias(doc)?.range?.[0]);
    return { diagnostics };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    push('error', options.rules.invalid, `Expected ${options.what} to be a mapping of keys to values, found ${describe(value)}`, doc.contents?.range?.[0]);
    return { diagnostics };
  }
  // Unknown keys are only warnings: the schema strips them, and we name them.
  for (const keyPath of unknownKeys(schema, value, [])) {
    const key = String(keyPath[keyPath.length - 1]);
    const known = knownKeys(schema, keyPath.slice(0, -1));
    const suggestion = closest(key, known);
    const hint = suggestion ? `; did you mean \`${suggestion}\`?` : `; known keys: ${known.join(', ')}`;
    push('warning', options.rules.unknown, `Unknown key \`${keyPath.join('.')}\` in ${options.what}, ignored${hint}`, keyOffset(doc, keyPath));
  }
  const result = schema.safeParse(value);
  if (result.success) {
    const valueAt = (path: readonly PropertyKey[]) => {
      const node = nodeAt(doc, path) as { range?: [number, number, number] } | undefined;
      return node && typeof node === 'object' && node.range ? at(node.range[0]) : undefined;
    };
    return { data: result.data, diagnostics, valueAt };
  }
  for (const issue of result.error.issues) {
    const where = issue.path.length ? `\`${issue.path.join('.')}\`` : options.what;
    push('error', options.rules.invalid, `Invalid ${where}: ${issue.message}`, valueOffset(doc, issue.path as PropertyKey[]));
  }
  return { diagnostics };
}

/** Paths of keys in `value` that the object schemas along the way do not know. */
function unknownKeys(schema: z.ZodType, value: unknown, path: PropertyKey[]): PropertyKey[][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const shape = objectShape(schema);
  if (!shape) return [];
  const found: PropertyKey[][] = [];
  for (const [k, v] of Object.entries(value)) {
    const child = shape[k];
    if (!child) found.push([...path, k]);
    else found.push(...unknownKeys(child, v, [...path, k]));
  }
  return found;
}

/** The shape of an object schema, looking through optional/default/union wrappers. */
function objectShape(schema: unknown): Record<string, z.ZodType> | undefined {
  let s = schema;
  for (let i = 0; i < 8; i++) {
    const def = (s as { def?: { type?: string; shape?: Record<string, z.ZodType>; innerType?: unknown; in?: unknown; options?: unknown[] } })?.def;
    if (!def) return undefined;
    if (def.type === 'object') return def.shape;
    if (def.type === 'union') {
      s = def.options?.find((o) => objectShape(o));
      continue;
    }
    s = def.innerType ?? def.in;
  }
  return undefined;
}

function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = schema;
  for (const p of path) s = s && objectShape(s)?.[p as string];
  return Object.keys((s && objectShape(s)) ?? {});
}

function nodeAt(doc: Document, path: readonly PropertyKey[]): unknown {
  return path.length ? doc.getIn(path as unknown[], true) : doc.contents;
}

function valueOffset(doc: Document, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = nodeAt(doc, path.slice(0, n)) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return node.range[0];
  }
  return undefined;
}

function keyOffset(doc: Document, path: readonly PropertyKey[]): number | undefined {
  const parent = nodeAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (isMap(parent)) {
    for (const item of parent.items) {
      if (isPair(item) && isScalar(item.key) && item.key.value === key) return item.key.range?.[0];
    }
  }
  return valueOffset(doc, path);
}

/** How many values each node stands for once its aliases are expanded (memoized: a bomb is counted, not expanded). */
function expandedSize(doc: Document, node: unknown, memo: Map<unknown, number>): number {
  if (!node || typeof node !== 'object') return 1;
  const known = memo.get(node);
  if (known !== undefined) return known;
  // An alias inside its own anchor (a cycle) counts once.
  memo.set(node, 1);
  let size = 1;
  if (isAlias(node)) size = expandedSize(doc, node.resolve(doc), memo);
  else if (isPair(node)) size = expandedSize(doc, node.key, memo) + expandedSize(doc, node.value, memo);
  else if (isCollection(node)) for (const item of node.items) size += expandedSize(doc, item, memo);
  memo.set(node, size);
  return size;
}

/** The document's expanded size and the first alias that stands for too much, when its aliases expand too far. */
function aliasBomb(doc: Document): { total: number; alias: Alias; size: number } | undefined {
  const memo = new Map<unknown, number>();
  const total = expandedSize(doc, doc.contents, memo);
  if (total <= MAX_ALIAS_COUNT) return undefined;
  let found: { alias: Alias; size: number } | undefined;
  visit(doc, {
    Alias(_key, node) {
      const size = expandedSize(doc, node, memo);
      if (size > 100) {
        found = { alias: node, size };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  const first = firstAlias(doc);
  found ??= first && { alias: first, size: expandedSize(doc, first, memo) };
  return found && { total, ...found };
}

function firstAlias(doc: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en');
}

function firstSentence(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

export function describe(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `the text "${value.slice(0, 40)}"` : `a ${typeof value}`;
}

/** The candidate nearest to `word` by edit distance, if it is near enough. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
