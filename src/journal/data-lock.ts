import type { DataFolder } from '../vault/port';

/**
 * The one place where Groundwork's shared records (outcomes, sign-off times, routine state) are
 * read, changed and written back. Today it serializes the changes of this process; the
 * cross-process journal lock replaces the body of `withRecordLock` alone.
 */

let queue: Promise<unknown> = Promise.resolve();

export function withRecordLock<T>(_data: DataFolder, fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

/** Reads a JSON record, lets `change` edit it, writes it back, all under the lock. */
export function updateRecord<T>(data: DataFolder, name: string, parse: (raw: string | null) => T, change: (value: T) => T | void): Promise<T> {
  return withRecordLock(data, async () => {
    const value = parse(await data.read(name));
    const next = change(value) ?? value;
    await data.write(name, `${JSON.stringify(next, null, 1)}\n`);
    return next;
  });
}
