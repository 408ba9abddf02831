import type { DataFolder, LockIdentity } from './port';
import { GroundworkError } from '../core/errors';

/*
 * A cross-process lock over a file in the plugin's data folder. The plugin, the CLI, the MCP
 * server and the Claude Code hook share one data folder; every read-modify-write of shared state
 * there (the journal index, the record of generated notes, proposal records) runs inside
 * `withDataLock`, so two processes never both read the old state and each write back their own.
 *
 * The lock is the file `locks/<name>.lock`, created exclusively; it holds who took it and a
 * heartbeat. A holder that crashed cannot release it, so a waiter takes it over when the holder's
 * process is certainly gone (same host, pid not running) or its heartbeat is older than `staleMs`.
 * Inside one process, takers of one lock queue in memory first, so they never poll each other.
 *
 * Never take a lock inside itself (same folder, same name): it is not re-entrant, and the inner
 * call would wait for the outer one for ever (until its bounded wait fails).
 */

export interface DataLockOptions {
  /** How long to wait for another holder before giving up with DataLockTimeout. */
  waitMs?: number;
  /** A heartbeat older than this means the holder froze or died. */
  staleMs?: number;
  signal?: AbortSignal;
}

/** What a lock file holds. */
export interface LockHolder extends LockIdentity {
  token: string;
  /** ISO time the lock was taken. */
  since: string;
  /** ISO time of the holder's latest heartbeat. */
  beat: string;
}

/** The lock could not be had in time; nothing was done under it. */
export class DataLockTimeout extends GroundworkError {
  constructor(
    message: string,
    readonly lockName: string,
    readonly holder: LockHolder | null,
  ) {
    super(message);
    this.name = 'DataLockTimeout';
  }
}

export const DEFAULT_LOCK_WAIT_MS = 30_000;
export const DEFAULT_LOCK_STALE_MS = 30_000;

const LOCK_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The lock file's name in the data folder, for messages and tests. */
export function lockFileName(name: string): string {
  return `locks/${name}.lock`;
}

/*
 * The heartbeat lives in its own file: rewriting the lock file itself would, on a platform with
 * no atomic replace (the Obsidian adapter removes then renames), leave a moment with no lock
 * file, in which a waiter could take the lock while it is held.
 */
function beatFileName(name: string): string {
  return `locks/${name}.beat`;
}

/** In-process queues: one tail per folder and lock name. */
const queues = new Map<string, Promise<unknown>>();
/** Tokens of the locks this process holds now: a lock file with this process's pid and another token was left by a crash of an earlier process that had the same pid, or by a failed release. */
const heldHere = new Set<string>();

/**
 * Runs `fn` while holding the lock `name` of the data folder, then releases it, whether `fn`
 * returned or threw. Waits at most `waitMs` for another holder, then throws DataLockTimeout
 * naming the holder and the file.
 */
export function withDataLock<T>(data: DataFolder, name: string, fn: () => Promise<T>, opts: DataLockOptions = {}): Promise<T> {
  if (!LOCK_NAME.test(name)) throw new Error(`Invalid lock name: ${JSON.stringify(name)}`);
  const key = `${data.lockKey}\u0000${name}`;
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(
    () => holdWhile(data, name, fn, opts),
    () => holdWhile(data, name, fn, opts),
  );
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

async function holdWhile<T>(data: DataFolder, name: string, fn: () => Promise<T>, opts: DataLockOptions): Promise<T> {
  const staleMs = opts.staleMs ?? DEFAULT_LOCK_STALE_MS;
  const holder = await acquire(data, name, opts.waitMs ?? DEFAULT_LOCK_WAIT_MS, staleMs, opts.signal);
  const stopBeat = heartbeat(data, name, holder, staleMs);
  try {
    return await fn();
  } finally {
    await stopBeat();
    await release(data, name, holder.token);
    heldHere.delete(holder.token);
  }
}

function newToken(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const v = JSON.parse(raw) as Partial<LockHolder> | null;
    if (!v || typeof v.token !== 'string' || typeof v.beat !== 'string' || typeof v.app !== 'string') return null;
    return v as LockHolder;
  } catch {
    return null;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('The operation was aborted.'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('The operation was aborted.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The holder's latest heartbeat: its beat file when that carries its token, else the lock's own time. */
async function latestBeat(data: DataFolder, name: string, held: LockHolder): Promise<string> {
  const raw = await data.read(beatFileName(name)).catch(() => null);
  const beat = raw === null ? null : parseHolder(raw);
  return beat?.token === held.token && beat.beat > held.beat ? beat.beat : held.beat;
}

function leftHere(data: DataFolder, held: LockHolder): boolean {
  const me = data.lockIdentity;
  return me.pid !== undefined && held.pid === me.pid && held.host === me.host && !heldHere.has(held.token);
}

function describeHolder(h: LockHolder | null): string {
  if (!h) return 'an unreadable lock file';
  const who = [h.app, h.pid !== undefined ? `pid ${h.pid}` : null, h.host ? `on ${h.host}` : null].filter(Boolean).join(' ');
  return `${who} since ${h.since}`;
}

async function acquire(data: DataFolder, name: string, waitMs: number, staleMs: number, signal?: AbortSignal): Promise<LockHolder> {
  const file = lockFileName(name);
  const started = Date.now();
  // A damaged lock file has no heartbeat: it is stale once it has sat unchanged for staleMs.
  let unreadable = null as { raw: string; seen: number } | null;
  let delay = 2;
  for (;;) {
    const now = new Date().toISOString();
    const mine: LockHolder = { ...data.lockIdentity, token: newToken(), since: now, beat: now };
    if (await data.createExclusive(file, JSON.stringify(mine))) {
      // Read back: on a platform whose exclusive create is not one atomic step, a racer may have
      // overwritten it; the holder is whoever's token is in the file.
      const back = await data.read(file);
      if (back !== null && parseHolder(back)?.token === mine.token) {
        heldHere.add(mine.token);
        return mine;
      }
    } else {
      const raw = await data.read(file);
      if (raw !== null) {
        const held = parseHolder(raw);
        let stale: boolean;
        if (held) {
          unreadable = null;
          const age = Date.now() - Date.parse(await latestBeat(data, name, held));
          stale = data.holderGone(held) || leftHere(data, held) || !(age <= staleMs);
        } else {
          if (unreadable?.raw !== raw) unreadable = { raw, seen: Date.now() };
          stale = Date.now() - unreadable.seen > staleMs;
        }
        if (stale) {
          // Only the file judged stale is removed: if another waiter took it over meanwhile, its
          // fresh lock has other bytes and stays.
          if ((await data.read(file)) === raw) await data.remove(file);
          continue;
        }
        if (Date.now() - started >= waitMs) {
          throw new DataLockTimeout(
            `Could not get the ${name} lock in Groundwork's data folder within ${Math.round(waitMs / 1000)} s: it is held by ${describeHolder(held)} (${file}). ` +
              'If no Groundwork process is running any more, delete that file.',
            name,
            held,
          );
        }
      }
    }
    await sleep(delay, signal);
    delay = Math.min(delay * 2, 50);
  }
}

/**
 * Keeps the lock's heartbeat fresh while a long holder works. The returned stop waits for a beat
 * in flight, so no beat can re-create the file after it is released.
 */
function heartbeat(data: DataFolder, name: string, holder: LockHolder, staleMs: number): () => Promise<void> {
  const file = lockFileName(name);
  const beatFile = beatFileName(name);
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const beat = async (): Promise<void> => {
    try {
      const raw = await data.read(file);
      if (stopped || raw === null || parseHolder(raw)?.token !== holder.token) return;
      await data.write(beatFile, JSON.stringify({ ...holder, beat: new Date().toISOString() }));
    } catch {
      // A missed beat only lets a waiter take over after staleMs, which is the fail-safe side.
    }
    if (!stopped) schedule();
  };
  const schedule = (): void => {
    timer = setTimeout(() => {
      inFlight = beat();
    }, staleMs / 3);
  };
  schedule();
  return async () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    await inFlight;
  };
}

async function release(data: DataFolder, name: string, token: string): Promise<void> {
  const file = lockFileName(name);
  try {
    const raw = await data.read(file);
    // Never remove a lock someone else took over (after judging ours stale).
    if (raw !== null && parseHolder(raw)?.token === token) {
      const beat = await data.read(beatFileName(name));
      if (beat !== null && parseHolder(beat)?.token === token) await data.remove(beatFileName(name));
      await data.remove(file);
    }
  } catch {
    // A lock left behind is taken over as stale by the next taker; failing the work for it would not help.
  }
}
