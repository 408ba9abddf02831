import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { DataLockTimeout, lockFileName, withDataLock } from '../../src/vault/data-lock';
import { tempVault } from '../support/temp-vault';
import { bundleChild, runChild } from '../support/child-process';

const CHILD = path.resolve(__dirname, '../support/child-ops.ts');

let vault: { dir: string; cleanup: () => void };
let dataDir: string;
let data: NodeDataFolder;

beforeEach(() => {
  vault = tempVault();
  dataDir = path.join(vault.dir, '.obsidian', 'plugins', 'groundwork');
  data = new NodeDataFolder(dataDir);
});
afterEach(() => vault.cleanup());

const lockPath = (name: string) => path.join(dataDir, ...lockFileName(name).split('/'));

/** A lock file as a holder would leave it. */
function leaveLock(name: string, holder: Record<string, unknown>): void {
  mkdirSync(path.dirname(lockPath(name)), { recursive: true });
  writeFileSync(lockPath(name), JSON.stringify({ token: 'left-behind', app: 'cli', since: new Date().toISOString(), beat: new Date().toISOString(), ...holder }));
}

describe('withDataLock', () => {
  it('excludes across real processes: 4 processes × 25 read-add-write of one counter lose no increment', async () => {
    const bundle = bundleChild(CHILD);
    const runs = await Promise.all(Array.from({ length: 4 }, () => runChild(bundle, { op: 'count', data: dataDir, n: 25 })));
    for (const r of runs) expect(r.stderr).toBe('');
    expect(readFileSync(path.join(dataDir, 'counter.txt'), 'utf8')).toBe('100');
    expect(existsSync(lockPath('counter'))).toBe(false);
  });

  it('excludes inside one process across data folder objects over one folder', async () => {
    const other = new NodeDataFolder(dataDir);
    const bump = (d: NodeDataFolder) =>
      withDataLock(d, 'counter', async () => {
        const n = Number((await d.read('counter.txt')) ?? '0');
        await new Promise((r) => setTimeout(r, 1));
        await d.write('counter.txt', String(n + 1));
      });
    await Promise.all(Array.from({ length: 30 }, (_, i) => bump(i % 2 ? data : other)));
    expect(await data.read('counter.txt')).toBe('30');
  });

  it('releases the lock when the work throws, and passes the error on', async () => {
    await expect(withDataLock(data, 'counter', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lockPath('counter'))).toBe(false);
    expect(await withDataLock(data, 'counter', () => Promise.resolve(7))).toBe(7);
  });

  it('takes over at once a lock whose process was killed (kill -9)', async () => {
    const bundle = bundleChild(CHILD);
    const holder = runChild(bundle, { op: 'hold', data: dataDir, ms: 60_000 });
    for (let i = 0; i < 400 && !existsSync(lockPath('counter')); i++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(lockPath('counter'))).toBe(true);
    holder.kill('SIGKILL');
    await holder;
    // The wait is far shorter than the stale age: only the dead pid lets it through.
    expect(await withDataLock(data, 'counter', () => Promise.resolve('mine'), { waitMs: 5_000, staleMs: 600_000 })).toBe('mine');
  });

  it('takes over a lock left by an earlier process with this same pid (a crash, then pid reuse)', async () => {
    leaveLock('counter', { pid: process.pid, host: hostname() });
    expect(await withDataLock(data, 'counter', () => Promise.resolve('ok'), { waitMs: 2_000, staleMs: 600_000 })).toBe('ok');
  });

  it('takes over a lock whose heartbeat is older than staleMs when the holder cannot be checked (another host, Obsidian)', async () => {
    leaveLock('counter', { app: 'obsidian', since: '2020-01-01T00:00:00.000Z', beat: '2020-01-01T00:00:00.000Z' });
    expect(await withDataLock(data, 'counter', () => Promise.resolve('ok'), { waitMs: 2_000 })).toBe('ok');
  });

  it('waits a bounded time for a live holder, then fails with a clear error naming it and the file', async () => {
    leaveLock('counter', { app: 'obsidian', host: 'laptop' });
    let ran = false;
    const err = await withDataLock(
      data,
      'counter',
      async () => {
        ran = true;
      },
      { waitMs: 300 },
    ).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(err).toBeInstanceOf(DataLockTimeout);
    expect((err as Error).message).toMatch(/Could not get the counter lock .* within 0 s: it is held by obsidian on laptop since .* \(locks\/counter\.lock\)\. If no Groundwork process is running any more, delete that file\./);
    // The live holder's file is left alone.
    expect(JSON.parse(readFileSync(lockPath('counter'), 'utf8')).token).toBe('left-behind');
  });

  it('treats an unreadable lock file as stale only once it sat unchanged for staleMs', async () => {
    mkdirSync(path.dirname(lockPath('counter')), { recursive: true });
    writeFileSync(lockPath('counter'), '{"tok');
    await expect(withDataLock(data, 'counter', () => Promise.resolve(1), { waitMs: 100, staleMs: 10_000 })).rejects.toBeInstanceOf(DataLockTimeout);
    expect(await withDataLock(data, 'counter', () => Promise.resolve(2), { waitMs: 2_000, staleMs: 50 })).toBe(2);
  });

  it('keeps a long holder alive with heartbeats, so a waiter does not take its lock as stale', async () => {
    const other = new NodeDataFolder(dataDir, 'other');
    // Seen from `other`, the holder is a live process on this host: only its heartbeat keeps it.
    Object.defineProperty(other, 'lockIdentity', { value: { app: 'other' } });
    let inside = 0;
    let overlap = false;
    const work = (d: NodeDataFolder, ms: number) =>
      withDataLock(
        d,
        'counter',
        async () => {
          inside++;
          if (inside > 1) overlap = true;
          await new Promise((r) => setTimeout(r, ms));
          inside--;
        },
        { staleMs: 150, waitMs: 5_000 },
      );
    const first = work(data, 600);
    await new Promise((r) => setTimeout(r, 20));
    await Promise.all([first, work(other, 1)]);
    expect(overlap).toBe(false);
  });

  it('refuses a lock name that could leave the locks folder', () => {
    expect(() => withDataLock(data, '../journal', () => Promise.resolve())).toThrow(/Invalid lock name/);
  });
});
