import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: {
    // The plugin's sources import 'obsidian'; tests get the in-repo implementation backed by a real folder.
    alias: { obsidian: fileURLToPath(new URL('./test/support/obsidian/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: tests assert behaviour, never time, and a busy two-core machine runs property
    // tests and real processes several times slower than an idle one.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
  },
});
