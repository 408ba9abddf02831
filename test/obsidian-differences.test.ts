// @vitest-environment happy-dom
/**
 * How the in-repo `obsidian` stand-in behaves where Obsidian is known to differ from a naive
 * implementation, each modelled (and asserted here) or listed as not modelled. Its signatures are
 * checked against the real type definitions by tsc (test/support/obsidian/conformance.ts); what
 * Groundwork makes of the modelled requestUrl error is in test/llm/request-url-refused.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createApp, createTempVault, destroyApp, removeTempVault, requestUrl, settle, TFile, type App } from './support/obsidian/index';
import { closedPort } from './support/openai-server';

let dir: string;
let app: App;
beforeEach(async () => {
  dir = createTempVault({ 'a.md': '---\nconfidence: low\n---\nA\n' });
  app = createApp(dir);
  await settle(app);
});
afterEach(async () => {
  await destroyApp(app);
  removeTempVault(dir);
});

const file = (p: string) => app.vault.getAbstractFileByPath(p) as TFile;

describe('modelled', () => {
  it('metadata is indexed asynchronously: right after a write the cache still holds the old frontmatter', async () => {
    await app.vault.modify(file('a.md'), '---\nconfidence: high\n---\nA\n');
    expect(app.metadataCache.getFileCache(file('a.md'))?.frontmatter?.confidence).toBe('low');
    await app.metadataCache.whenSettled();
    expect(app.metadataCache.getFileCache(file('a.md'))?.frontmatter?.confidence).toBe('high');
  });

  it('requestUrl rejects a refused connection as Chromium does: net::ERR_CONNECTION_REFUSED, no Node error code', async () => {
    const port = await closedPort();
    const err = (await requestUrl({ url: `http://127.0.0.1:${port}/v1/models` }).catch((e: unknown) => e)) as Error & { code?: string };
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('net::ERR_CONNECTION_REFUSED');
    expect(err.code).toBeUndefined();
  });

  it('FileManager.trashFile follows the "Deleted files" setting: system trash (here .trash), .trash, or deleted for good', async () => {
    for (const [option, name] of [['system', 's.md'], ['local', 'l.md'], ['none', 'n.md']] as const) {
      await app.vault.create(name, option);
      app.vault.trashOption = option;
      await app.fileManager.trashFile(file(name));
      expect(existsSync(path.join(dir, name))).toBe(false);
      expect(existsSync(path.join(dir, '.trash', name)), option).toBe(option !== 'none');
    }
  });
});

describe('listed, not modelled', () => {
  it('cachedRead always reads the disk: Obsidian may serve its cached text until it notices an outside change', async () => {
    writeFileSync(path.join(dir, 'a.md'), 'changed outside\n');
    // No vault event yet, and still the new text: a test cannot catch code that trusts a stale cachedRead.
    expect(await app.vault.cachedRead(file('a.md'))).toBe('changed outside\n');
    expect(readFileSync(path.join(dir, 'a.md'), 'utf8')).toBe('changed outside\n');
  });
});
