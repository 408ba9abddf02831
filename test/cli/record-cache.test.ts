/**
 * The CLI's record cache (src/cli/record-cache.ts): a run takes a note's record from the last run
 * only when the note is provably unchanged, and the model it builds is the model a full read
 * builds. Real folders, the real NodeVault; the clock is the one thing moved (an hour ahead), so
 * that notes written a moment ago by the test are not "changed just now".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { NodeVault } from '../../src/cli/node-vault';
import { cliDataFolder } from '../../src/cli/node-data-folder';
import { RecordCache } from '../../src/cli/record-cache';
import { loadModel } from '../../src/vault/load-model';
import type { FileStat } from '../../src/vault/port';
import type { VaultModel } from '../../src/core/vault-model';
import { BIN, runBin } from '../support/run-cli';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';

const HOLD_OPEN = path.resolve(__dirname, '../support/hold-open.cjs');
const CLOCK_AHEAD = path.resolve(__dirname, '../support/clock-ahead.cjs');
const ahead = (): number => Date.now() + 3_600_000;

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** The real NodeVault, counting the notes it reads. */
class CountingVault extends NodeVault {
  reads: string[] = [];
  override async readWithStat(rel: string): Promise<{ text: string; stat: FileStat }> {
    this.reads.push(rel);
    return super.readWithStat(rel);
  }
}

function vault(): string {
  const v = tempVault(EXAMPLE_VAULT);
  cleanups.push(v.cleanup);
  const w = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(v.dir, rel)), { recursive: true });
    writeFileSync(path.join(v.dir, rel), text);
  };
  w('Alpha.md', '---\ngroundwork: domain\nconfidence: low\n---\n# Alpha\n');
  w('Gamma.md', '---\ngroundwork: domain\nconfidence: high\ncritical: true\n---\n# Gamma\n');
  w('Notes/Member.md', '---\ndomain: "[[Alpha]]"\ntags: [ml]\n---\nLinks to [[Gamma]] and [[Nowhere]].\n');
  // Values JSON could not carry: the cache must give them back exactly.
  w('Notes/Odd values.md', '---\nx: .nan\ny: -.inf\nz: 2026-12-02\nnested:\n  a: [1, "two", null]\n  b: { c: true }\n---\nBody with #tag and `[[code]]`.\n');
  w('Notes/Second.md', '# Second\n\nSee [[Member]].\n');
  return v.dir;
}

async function load(dir: string, now: () => number = ahead): Promise<{ model: VaultModel; reads: string[] }> {
  const v = new CountingVault(dir);
  const cache = await RecordCache.open(v, cliDataFolder(v).root, now);
  const model = await loadModel(v, 'Groundwork', { store: cache });
  cache.save();
  return { model, reads: v.reads.sort() };
}

/** The model a full read builds, with nothing cached. */
async function fresh(dir: string): Promise<VaultModel> {
  return loadModel(new NodeVault(dir), 'Groundwork');
}

function records(model: VaultModel): unknown[] {
  return [...model.all()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

const cacheFile = (dir: string): string => path.join(dir, '.obsidian', 'plugins', 'groundwork', 'cache', 'note-records.bin');

type Entry = [number, number, number, number, Record<string, unknown>];

/**
 * The cache file's frames: a 4-byte length, then the V8-serialized payload (src/cli/record-cache.ts);
 * a header first, a trailer counting the notes last, the notes' frames between.
 */
function readCache(dir: string): { header: Record<string, unknown>; notes: Entry[]; trailer: Record<string, unknown> } {
  const bytes = readFileSync(cacheFile(dir));
  const frames: unknown[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = bytes.readUInt32LE(at);
    frames.push(deserialize(bytes.subarray(at + 4, at + 4 + n)));
    at += 4 + n;
  }
  return { header: frames[0] as Record<string, unknown>, notes: (frames.slice(1, -1) as Entry[][]).flat(), trailer: frames.at(-1) as Record<string, unknown> };
}

function framed(...values: unknown[]): Buffer {
  return Buffer.concat(
    values.flatMap((v) => {
      const payload = serialize(v);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(payload.length);
      return [length, payload];
    }),
  );
}

const cachedPaths = (dir: string): string[] => readCache(dir).notes.map((n) => n[4].path as string).sort();
const withRole = (model: VaultModel): string[] => records(model).flatMap((r) => ((r as { role: string | null }).role !== null ? [(r as { path: string }).path] : []));

describe('the record cache', () => {
  it('a second run reads only the notes with a role, and builds the model a full read builds', async () => {
    const dir = vault();
    const first = await load(dir);
    expect(first.reads.length).toBe(first.model.size);
    const second = await load(dir);
    expect(second.reads).toEqual(withRole(second.model));
    expect(second.reads.length).toBeLessThan(second.model.size);
    expect(second.reads).toContain('Alpha.md');
    const full = await fresh(dir);
    expect(records(second.model)).toEqual(records(full));
    expect(second.model.computeMap()).toEqual(full.computeMap());
    const odd = second.model.get('Notes/Odd values.md')!.frontmatter!;
    expect(odd.x).toBeNaN();
    expect(odd.y).toBe(-Infinity);
    // Notes with a role are never kept: trust is read from the note on every run.
    expect(cachedPaths(dir)).not.toContain('Alpha.md');
    expect(cachedPaths(dir)).toContain('Notes/Member.md');
  });

  it('a note rewritten to the same size with its mtime put back is read again', async () => {
    const dir = vault();
    const file = path.join(dir, 'Notes/Member.md');
    // A whole second, so that putting it back is exact.
    const when = Math.floor(Date.now() / 1000) - 60;
    utimesSync(file, when, when);
    await load(dir);
    const { size } = statSync(file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('[[Alpha]]', '[[Gamma]]'));
    utimesSync(file, when, when);
    expect(statSync(file).size).toBe(size);
    expect(statSync(file).mtimeMs).toBe(when * 1000);
    const { model, reads } = await load(dir);
    expect(reads).toContain('Notes/Member.md');
    const gamma = model.computeMap().domains.find((d) => d.name === 'Gamma')!;
    expect(gamma.memberPaths).toContain('Notes/Member.md');
    expect(records(model)).toEqual(records(await fresh(dir)));
  });

  it('follows notes deleted, created and renamed since', async () => {
    const dir = vault();
    await load(dir);
    rmSync(path.join(dir, 'Notes/Second.md'));
    writeFileSync(path.join(dir, 'Notes/Third.md'), '---\ndomain: "[[Gamma]]"\n---\nNew.\n');
    renameSync(path.join(dir, 'Notes/Member.md'), path.join(dir, 'Notes/Moved.md'));
    const { model, reads } = await load(dir);
    expect(reads).toContain('Notes/Third.md');
    expect(reads).toContain('Notes/Moved.md');
    expect(model.get('Notes/Second.md')).toBeUndefined();
    expect(model.get('Notes/Member.md')).toBeUndefined();
    expect(records(model)).toEqual(records(await fresh(dir)));
    expect(cachedPaths(dir)).not.toContain('Notes/Second.md');
    expect(cachedPaths(dir)).not.toContain('Notes/Member.md');
    expect(cachedPaths(dir)).toContain('Notes/Moved.md');
  });

  it('keeps no note that changed just before it was read: the next run reads it again', async () => {
    const dir = vault();
    // The real clock: every note was written a moment ago.
    const first = await load(dir, Date.now);
    const second = await load(dir, Date.now);
    expect(second.reads).toEqual(first.reads);
    // Later, the same notes are old enough to keep.
    await load(dir, ahead);
    expect((await load(dir, ahead)).reads).toEqual(withRole(first.model));
  });

  it('uses nothing of a damaged, foreign or tampered file, and writes it anew', async () => {
    const dir = vault();
    await load(dir);
    const good = readFileSync(cacheFile(dir));
    const { header, notes, trailer } = readCache(dir);
    expect(notes.length).toBeGreaterThan(0);
    expect(trailer).toEqual({ notes: notes.length });
    const everyNote = (await fresh(dir)).size;
    const variants: Record<string, Buffer> = {
      'cut short': good.subarray(0, good.length - 7),
      'cut after its header': framed(header),
      'cut before its trailer': framed(header, notes),
      'a trailer counting other notes': framed(header, notes, { notes: notes.length + 1 }),
      'a frame after the trailer': framed(header, notes, trailer, notes),
      garbage: Buffer.from('not a cache at all'),
      'another build': framed({ ...header, build: 'another' }, notes, trailer),
      'another format': framed({ ...header, format: 999 }, notes, trailer),
      // A record claiming a role (and so trust) is never taken, whatever its signature says.
      'a record with a role': framed(header, notes.map(([a, b, c, d, r]) => [a, b, c, d, { ...r, role: 'domain', trust: { ...(r.trust as object), confidence: 'high' } }]), trailer),
      'a signature of strings': framed(header, notes.map(([a, b, c, d, r]) => [String(a), String(b), String(c), String(d), r]), trailer),
      'a record of the wrong shape': framed(header, notes.map(([a, b, c, d, r]) => [a, b, c, d, { ...r, links: 'not a list' }]), trailer),
    };
    for (const [name, bytes] of Object.entries(variants)) {
      writeFileSync(cacheFile(dir), bytes);
      const { model, reads } = await load(dir);
      expect(reads.length, name).toBe(everyNote);
      expect(records(model), name).toEqual(records(await fresh(dir)));
      // Written anew: the next run takes what it can again.
      expect((await load(dir)).reads.length, name).toBeLessThan(everyNote);
    }
  });

  it('a cache that cannot be written costs the next run its speed, never this run its result', async () => {
    const dir = vault();
    // A file where the cache folder would be: every write of the cache fails.
    rmSync(path.join(dir, '.obsidian', 'plugins', 'groundwork', 'cache'), { recursive: true, force: true });
    mkdirSync(path.join(dir, '.obsidian', 'plugins', 'groundwork'), { recursive: true });
    writeFileSync(path.join(dir, '.obsidian', 'plugins', 'groundwork', 'cache'), 'in the way');
    const env = { NODE_OPTIONS: `--require ${CLOCK_AHEAD}` };
    const one = runBin(['map', dir, '--json'], env);
    const two = runBin(['map', dir, '--json'], env);
    expect(one.code, one.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(JSON.parse(one.stdout)).toEqual(JSON.parse(runBin(['map', dir, '--json']).stdout));
  });
});

/** The test vault and 2,500 plain notes: frames are written while the model loads. */
function largeVault(): string {
  const dir = vault();
  mkdirSync(path.join(dir, 'Many'), { recursive: true });
  for (let i = 0; i < 2500; i++) writeFileSync(path.join(dir, 'Many', `Note ${i}.md`), `---\ntags: [t${i % 7}]\n---\nLinks to [[Note ${(i + 1) % 2500}]] and [[Member]].\n`);
  return dir;
}
const cacheFolder = (dir: string): string => path.dirname(cacheFile(dir));

describe('the record cache of a vault larger than a frame (1,000 notes)', () => {

  it('writes its frames during the load, shows readers the old file until the load ends, and builds the same model', async () => {
    const dir = largeVault();
    await load(dir);
    const before = readFileSync(cacheFile(dir));
    writeFileSync(path.join(dir, 'Many', 'Note 7.md'), 'Changed, and now linking [[Note 8]] only.\n');
    const v = new NodeVault(dir);
    const cache = await RecordCache.open(v, cliDataFolder(v).root, ahead);
    const model = await loadModel(v, 'Groundwork', { store: cache });
    // Loaded, not saved: the new file is a temp file beside the old one, which is untouched.
    expect(readFileSync(cacheFile(dir)).equals(before)).toBe(true);
    const temps = readdirSync(cacheFolder(dir)).filter((n) => n.endsWith('.tmp'));
    expect(temps).toHaveLength(1);
    expect(statSync(path.join(cacheFolder(dir), temps[0]!)).size).toBeGreaterThan(before.length / 2);
    cache.save();
    expect(readdirSync(cacheFolder(dir))).toEqual(['note-records.bin']);
    const { notes, trailer } = readCache(dir);
    expect(trailer).toEqual({ notes: notes.length });
    expect(notes.length).toBe(model.size - withRole(model).length);
    const again = await load(dir);
    expect(again.reads).toEqual(withRole(again.model));
    expect(records(again.model)).toEqual(records(await fresh(dir)));
    expect(again.model.get('Many/Note 7.md')!.links).toEqual(['Note 8']);
  });

  it('a load that does not finish leaves the old file as it was and no temp file', async () => {
    const dir = largeVault();
    await load(dir);
    const before = readFileSync(cacheFile(dir));
    writeFileSync(path.join(dir, 'Many', 'Note 7.md'), 'Changed.\n');
    const v = new NodeVault(dir);
    const cache = await RecordCache.open(v, cliDataFolder(v).root, ahead);
    await loadModel(v, 'Groundwork', { store: cache });
    expect(readdirSync(cacheFolder(dir)).filter((n) => n.endsWith('.tmp'))).toHaveLength(1);
    cache.abandon();
    expect(readdirSync(cacheFolder(dir))).toEqual(['note-records.bin']);
    expect(readFileSync(cacheFile(dir)).equals(before)).toBe(true);
  });

  it('a run that changed nothing writes nothing', async () => {
    const dir = largeVault();
    await load(dir);
    const { ino, mtimeMs } = statSync(cacheFile(dir));
    const v = new NodeVault(dir);
    const cache = await RecordCache.open(v, cliDataFolder(v).root, ahead);
    await loadModel(v, 'Groundwork', { store: cache });
    expect(readdirSync(cacheFolder(dir))).toEqual(['note-records.bin']);
    cache.save();
    expect(statSync(cacheFile(dir))).toMatchObject({ ino, mtimeMs });
  });
});

describe('the built CLI with the record cache', () => {
  it('a second map never opens an unchanged note without a role, and prints the same bytes', async () => {
    const dir = vault();
    const env = { ...process.env, NODE_OPTIONS: `--require ${CLOCK_AHEAD}` };
    const first = runBin(['map', dir, '--json'], { NODE_OPTIONS: env.NODE_OPTIONS });
    expect(first.code, first.stderr).toBe(0);
    // The note's open() is held until stdin ends, which this test lets happen only once the map
    // is printed (or the note is held): a run that opened it could not have printed the map.
    const child = spawn(process.execPath, ['--require', HOLD_OPEN, BIN, 'map', dir, '--json'], {
      env: { ...env, GROUNDWORK_TEST_HOLD_OPEN: path.join(dir, 'Notes/Member.md') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const printed = (): boolean => {
      try {
        JSON.parse(stdout);
        return true;
      } catch {
        return false;
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (printed()) child.stdin.end();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/hold-open: holding/.test(stderr)) child.stdin.end();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/hold-open: holding/);
    expect(code).toBe(0);
    expect(stdout).toBe(first.stdout);
  });

  it('Ctrl-C during a map leaves the old cache as it was and no half-written one', async () => {
    const dir = largeVault();
    const env = { ...process.env, NODE_OPTIONS: `--require ${CLOCK_AHEAD}` };
    expect(runBin(['map', dir, '--json'], { NODE_OPTIONS: env.NODE_OPTIONS }).code).toBe(0);
    const before = readFileSync(cacheFile(dir));
    for (let i = 0; i < 2500; i++) writeFileSync(path.join(dir, 'Many', `Note ${i}.md`), `Changed: [[Note ${i}]].\n`);
    // One note held: every other note is read again, and the new file's frames written, before it.
    const child = spawn(process.execPath, ['--require', HOLD_OPEN, BIN, 'map', dir, '--json'], {
      env: { ...env, GROUNDWORK_TEST_HOLD_OPEN: path.join(dir, 'Many', 'Note 7.md') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/hold-open: holding/.test(stderr)) resolve();
      }),
    );
    expect(readdirSync(cacheFolder(dir)).filter((n) => n.endsWith('.tmp'))).toHaveLength(1);
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    child.kill('SIGINT');
    // Ended by the signal, as before: the cache's cleanup does not turn Ctrl-C into a success.
    expect(await ended).toEqual({ code: null, signal: 'SIGINT' });
    expect(readdirSync(cacheFolder(dir))).toEqual(['note-records.bin']);
    expect(readFileSync(cacheFile(dir)).equals(before)).toBe(true);
  });
});
