import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

/** `npm run gallery` only: the pictures are not part of the test suite (the suite checks their DOM). */
export default defineConfig({
  resolve: {
    alias: { obsidian: fileURLToPath(new URL('../../test/support/obsidian/index.ts', import.meta.url)) },
  },
  test: {
    include: ['scripts/gallery/*.gallery.ts'],
    root: fileURLToPath(new URL('../..', import.meta.url)),
    pool: 'forks',
  },
});
