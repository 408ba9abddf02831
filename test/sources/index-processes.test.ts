import { afterEach, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { NodeVault } from '../../src/cli/node-vault';
import { FullTextIndex } from '../../src/sources/fulltext-index';
import { buildIndex, INDEX_FILE, loadIndex, openIndex } from '../../src/sources/index-store';
import { lockFileName } from '../../src/vault/data-lock';
import { loadModel } from '../../src/vault/load-model';
import { bundleChild, runChild } from '../support/child-process';
import { LORA_VAULT, OUT, vaultWith } from './helpers';

/*
 * The plugin, the CLI and the MCP server share one data folder, and each of them saves the
 * full-text index there: every read and every write of it holds the data folder's `index` lock.
 */

const CHILD = path.resolve(__dirname, '../support/child-ops.ts');
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function setup() {
  const v = await vaultWith(LORA_VAULT);
  cleanups.push(v.cleanup);
  const dataDir = path.join(v.dir, '.obsidian', 'plugins', 'groundwork');
  return { ...v, dataDir };
}

/** The index as the scout sees it: notes, stamps and answers. */
function observable(index: FullTextIndex) {
  const docs = [...index.indexedPaths()].sort().map((p) => [p, index.stamp(p)]);
  const answers = ['low-rank adaptation', 'adapters', 'prefix tuning'].map((q) => index.search(q, { limit: 20 }).map((h) => [h.path, h.score.toFixed(9)]));
  return { docs, answers };
}

/** A data folder that tells, in order, when the index is written and when its lock is refused. */
class WatchedFolder extends NodeDataFolder {
  readonly events: ('write' | 'refused')[] = [];
  private notify: () => void = () => {};
  readonly firstEvent = new Promise<void>((resolve) => (this.notify = resolve));

  override async write(name: string, data: string): Promise<void> {
    if (name.startsWith('index/')) {
      this.events.push('write');
      this.notify();
    }
    await super.write(name, data);
  }

  override async createExclusive(name: string, data: string): Promise<boolean> {
    const took = await super.createExclusive(name, data);
    if (!took && name === lockFileName('index')) {
      this.events.push('refused');
      this.notify();
    }
    return took;
  }
}

it('does not write the index while another process holds its lock, and saves once it is free', async () => {
  const v = await setup();
  const holder = runChild(bundleChild(CHILD), { op: 'hold', data: v.dataDir, ms: 120_000, lock: 'index' });
  for (let i = 0; i < 400 && !existsSync(path.join(v.dataDir, lockFileName('index'))); i++) await new Promise((r) => setTimeout(r, 25));
  expect(existsSync(path.join(v.dataDir, lockFileName('index')))).toBe(true);

  const data = new WatchedFolder(v.dataDir);
  const opening = openIndex(v.vault, data, v.model, OUT);
  await data.firstEvent;
  const whileHeld = [...data.events];
  // The holder dies (kill -9): its lock is taken over at once, and the save goes ahead.
  holder.kill('SIGKILL');
  await holder;
  const r = await opening;

  expect(whileHeld).not.toContain('write');
  expect(r.saved).toBe(true);
  expect(existsSync(path.join(v.dataDir, INDEX_FILE))).toBe(true);
  expect(existsSync(path.join(v.dataDir, lockFileName('index')))).toBe(false);
});

it('two processes refreshing and saving the index at once leave one that loads and equals a fresh build', async () => {
  const v = await setup();
  const bundle = bundleChild(CHILD);
  const runs = await Promise.all(['a', 'b'].map((tag) => runChild(bundle, { op: 'index', vault: v.dir, n: 6, tag })));
  for (const r of runs) expect(r.stderr).toBe('');

  const data = new NodeDataFolder(v.dataDir);
  const saved = await loadIndex(data);
  expect(saved.problem).toBeUndefined();
  const vault = new NodeVault(v.dir);
  const model = await loadModel(vault, OUT);
  const opened = await openIndex(vault, data, model, OUT);
  expect(opened.loaded).toBe('loaded');
  expect(observable(opened.index)).toEqual(observable(await buildIndex(vault, model, OUT)));
});
