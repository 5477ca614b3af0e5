import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real builds print real PDFs with a real browser: give them time.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
