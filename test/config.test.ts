import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bookConfigSchema, loadConfig, parseConfig } from '../src/config.ts';
import { formatDiagnostic } from '../src/diagnostics.ts';
import { FIXTURES } from './helpers/build.ts';

describe('book config', () => {
  it('has a default for everything, so no config at all builds', async () => {
    const { config, diagnostics } = await loadConfig(path.join(FIXTURES, 'encodings'));
    expect(diagnostics).toEqual([]);
    expect(config).toMatchObject({ title: 'Anthology', articles: 'articles', sort: 'order-date', output: { dir: 'dist', name: 'anthology' } });
    expect(config?.pdf.book.size).toBe('A5');
    expect(config?.pdf.article.size).toBe('A4');
  });

  it('names the file, line and column of every invalid value and what was expected', async () => {
    const { config, diagnostics } = await loadConfig(path.join(FIXTURES, 'bad-config'));
    expect(config).toBeUndefined();
    const lines = diagnostics.map((d) => formatDiagnostic(d, FIXTURES));
    expect(lines).toContain('bad-config/book.config.yaml:2:7: error Invalid `sort`: Invalid option: expected one of "order-date"|"date"|"date-desc"|"title"|"path" [config-invalid]');
    expect(lines.find((l) => l.includes('pdf.book.size'))).toMatch(/^bad-config\/book\.config\.yaml:5:11: error .*expected a size name/);
    expect(lines.find((l) => l.includes('outptu'))).toMatch(/^bad-config\/book\.config\.yaml:6:1: warning Unknown key `outptu`.*did you mean `output`\? \[config-unknown-key\]$/);
  });

  it('reports YAML syntax errors at their line', () => {
    const { diagnostics } = parseConfig('title: ok\nlang: [zh\n', '/x/book.config.yaml');
    expect(diagnostics[0]).toMatchObject({ severity: 'error', rule: 'config-yaml', line: 2 });
  });

  it('accepts one editor or a list, and page sizes as names or dimensions', () => {
    expect(bookConfigSchema.parse({ editor: '林' }).editor).toEqual(['林']);
    expect(bookConfigSchema.parse({ editor: ['a', 'b'] }).editor).toEqual(['a', 'b']);
    const c = bookConfigSchema.parse({ pdf: { book: { size: '130mm 184mm', margins: { top: '15mm' } } } });
    // Margins not given follow the size: A5's (20, 20, 16 mm) scaled to 130 × 184 mm; the one given is kept.
    expect(c.pdf.book).toEqual({ size: '130mm 184mm', margins: { top: '15mm', bottom: '17.5mm', inner: '17.6mm', outer: '14.1mm' }, bleed: undefined, marks: 'none' });
    expect(bookConfigSchema.parse({ pdf: { book: { size: 'A5' } } }).pdf.book.margins).toEqual({ top: '18mm', bottom: '20mm', inner: '20mm', outer: '16mm' });
  });
});
