import type { DataFolder } from '../vault/port';
import { withDataLock } from '../vault/data-lock';

/**
 * The one place where Groundwork's shared records (outcomes, sign-off times, routine state) are
 * read, changed and written back: under the data folder's cross-process lock, since the plugin,
 * the CLI, the MCP server and the hook may all change them at once.
 */

export function withRecordLock<T>(data: DataFolder, fn: () => Promise<T>): Promise<T> {
  return withDataLock(data, 'records', fn);
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
