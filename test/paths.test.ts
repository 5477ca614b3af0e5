import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, type FixtureBuild, problems } from './helpers/build.ts';

let site: FixtureBuild;
beforeAll(async () => {
  site = await buildFixture('hostile-paths');
});
afterAll(() => site?.cleanup());

describe('paths that leave the articles folder', () => {
  it('are never read, copied or embedded, and each is named in a warning', async () => {
    expect(site.result.ok).toBe(true);
    expect(problems(site.result, 'hostile-paths').sort()).toEqual(
      [
        'articles/paths.md:5:1 warning [image-outside-root]', // ../../etc/passwd
        'articles/paths.md:7:1 warning [image-outside-root]', // /etc/hostname
        'articles/paths.md:9:1 warning [url-removed]', // file:///etc/passwd as an image
        'articles/paths.md:9:1 warning [image-src]',
        'articles/paths.md:11:1 warning [image-outside-root]', // a symbolic link to /etc/hostname
        'articles/paths.md:13:1 warning [link-local-file]', // a link to ../../etc/passwd
        'articles/paths.md:13:41 warning [url-removed]', // a file:///etc/shadow link
      ].sort(),
    );
    // Only the image inside the folder was copied.
    expect(await readdir(path.join(site.out, 'images'))).toEqual([expect.stringMatching(/^inside-[0-9a-f]{10}\.png$/)]);
    const page = await site.read('articles/paths.html');
    expect(page).not.toMatch(/etc\/passwd|etc\/hostname|etc\/shadow|file:/);
    expect(page).toContain('开头的文字。');
    expect(page).toContain('结尾的文字。');
    // The alt text stands in for each refused image, once.
    expect(page).toContain('<figure><span class="image-missing">符号链接</span></figure>');
  });
});
