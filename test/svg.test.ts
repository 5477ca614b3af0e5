import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanSvg } from '../src/assets/svg.ts';
import { buildFixture, type FixtureBuild, problems } from './helpers/build.ts';

describe('SVG images', () => {
  let site: FixtureBuild;
  beforeAll(async () => {
    site = await buildFixture('hostile-svg');
  });
  afterAll(() => site?.cleanup());

  it('are cleaned of scripts, handlers and outside references before any output carries them', async () => {
    expect(site.result.ok).toBe(true);
    expect(problems(site.result, 'hostile-svg')).toEqual(['articles/svg.md:5:1 warning [svg-cleaned]']);
    const [name] = await readdir(path.join(site.out, 'images'));
    const svg = await readFile(path.join(site.out, 'images', name!), 'utf8');
    expect(svg).not.toMatch(/script|onload|onclick|javascript:|@import|127\.0\.0\.1|foreignObject|ENTITY|passwd/i);
    expect(svg).toContain('<text x="10" y="35" font-size="20">活字</text>');
    expect(svg).toContain('<rect width="120" height="60" fill="#f4f1ea"></rect>');
    const page = await site.read('articles/svg.html');
    expect(page).toContain('图片之前的文字。');
    expect(page).toContain('图片之后的文字。');
    expect(page).toContain(`<img src="../images/${name}"`);
  });

  it('that are not well-formed are refused', () => {
    expect(() => cleanSvg('<svg><g></svg>')).toThrow();
    expect(() => cleanSvg('<html></html>')).toThrow(/not an SVG/);
  });
});
