import { describe, expect, it } from 'vitest';
import type { ListedFile } from '../../src/vault/port';
import { FIRST_BATCH, LARGEST_BATCH, MIN_SAMPLE, readWhileFast, SLICE_MS, SLOW_READ_MS } from '../../src/vault/read-while-fast';

/**
 * The policy alone, on a clock the test moves: each blocking read of a note advances it by what
 * `costMs` says that read costs, so "fast" and "slow" disks are exact, not timed.
 */
function run(n: number, costMs: (index: number) => number, opts: { fails?: Set<number>; abortAfter?: number } = {}) {
  const files: ListedFile[] = Array.from({ length: n }, (_, i) => ({ path: `n${i}.md` }));
  const index = (f: ListedFile | string): number => Number((typeof f === 'string' ? f : f.path).slice(1, -3));
  let clock = 0;
  const controller = new AbortController();
  const how: string[] = new Array<string>(n);
  const read = (f: ListedFile, way: string): void => {
    expect(how[index(f)], `${f.path} read twice`).toBeUndefined();
    how[index(f)] = way;
    if (opts.abortAfter !== undefined && how.filter(Boolean).length >= opts.abortAfter) controller.abort();
  };
  const batches: number[] = [];
  let yields = 0;
  let longestSliceMs = 0;
  let sliceStart = 0;
  const done = readWhileFast(files, {
    readNow: (p) => {
      clock += costMs(index(p));
      if (opts.fails?.has(index(p))) throw new Error('cannot block');
      return { text: '', stat: { path: p, size: 0, mtime: 0 } };
    },
    onRead: (f) => read(f, 'blocking'),
    readInParallel: async (batch) => {
      batches.push(batch.length);
      for (const f of batch) if (!controller.signal.aborted) read(f, 'parallel');
      sliceStart = clock;
    },
    yieldNow: async () => {
      yields++;
      longestSliceMs = Math.max(longestSliceMs, clock - sliceStart);
      sliceStart = clock;
    },
    signal: controller.signal,
    now: () => clock,
  });
  return done.then(() => ({ how, batches, yields, longestSliceMs }));
}

describe('readWhileFast: blocking reads while they are faster', () => {
  it('reads a vault in memory blocking, in order, in slices that give the event loop back', async () => {
    const r = await run(5000, () => 0.03);
    expect(r.how.every((w) => w === 'blocking')).toBe(true);
    expect(r.batches).toEqual([]);
    // 0.03 ms a read: ~267 reads a slice.
    expect(r.yields).toBeGreaterThanOrEqual(Math.floor((5000 * 0.03) / (SLICE_MS + 0.03)));
    expect(r.longestSliceMs).toBeLessThan(SLICE_MS + 0.03 + 1e-9);
  });

  it('reads a cold disk in parallel, in batches that double, after as few blocking reads as it can judge by', async () => {
    const r = await run(20000, () => 2);
    expect(r.how.filter((w) => w === undefined)).toEqual([]);
    const blocking = r.how.filter((w) => w === 'blocking').length;
    // Each probe is one slice of 2 ms reads (4), judged once MIN_SAMPLE reads are in: 8 reads a probe.
    expect(r.batches[0]).toBe(FIRST_BATCH);
    for (let i = 1; i < r.batches.length - 1; i++) expect(r.batches[i]).toBe(Math.min(r.batches[i - 1]! * 2, LARGEST_BATCH));
    expect(blocking).toBe(r.batches.length * MIN_SAMPLE);
    expect(blocking / 20000).toBeLessThan(0.01);
  });

  it('goes back to blocking reads once a slow start is over (code compiling, a collection)', async () => {
    const r = await run(3000, (i) => (i < 40 ? 1 : 0.03));
    expect(r.batches).toEqual([FIRST_BATCH]);
    expect(r.how.filter((w) => w === 'parallel')).toHaveLength(FIRST_BATCH);
    expect(r.how.slice(-1000).every((w) => w === 'blocking')).toBe(true);
  });

  it('judges by the median read: a few slow reads in a slice do not send the rest to parallel reads', async () => {
    // One read in ten is slow (a garbage collection, a large note): the mean read is, the median is not.
    const r = await run(3000, (i) => (i % 10 === 0 ? 20 * SLOW_READ_MS : 0.03));
    expect(r.batches).toEqual([]);
  });

  it('hands a note it could not read blocking to the parallel reads, once, at the end', async () => {
    const r = await run(1000, () => 0.03, { fails: new Set([3, 500]) });
    expect(r.how[3]).toBe('parallel');
    expect(r.how[500]).toBe('parallel');
    expect(r.how.filter((w) => w === 'blocking')).toHaveLength(998);
    expect(r.batches).toEqual([2]);
  });

  it('starts no read once aborted', async () => {
    const r = await run(5000, () => 0.03, { abortAfter: 700 });
    expect(r.how.filter(Boolean)).toHaveLength(700);
  });
});
