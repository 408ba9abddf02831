import { sha256Hex } from '../core/fingerprint';
import { normalizeVaultPath, PathError } from '../core/layout';
import { DEFAULT_RETENTION, expired, type Retention } from '../core/retention';
import { VaultError, type DataFolder, type VaultPort } from '../vault/port';
import { withDataLock } from '../vault/data-lock';
import {
  ChangedSinceRead,
  JournalDamaged,
  UndoRefused,
  journalIndexSchema,
  type ExpectedChange,
  type JournalChange,
  type JournalEntry,
  type JournalIndex,
} from './entry';
import { isOwnJournalNote, JOURNAL_HEADING, journalNotePath, renderJournalNote } from './journal-note';

/*
 * DESIGN §3: every applied change is journaled with what it replaced, so undo restores it byte
 * for byte. This module bundles into the mobile plugin, so it reaches files only through the
 * VaultPort and the DataFolder it is given, never through Node or Obsidian directly.
 *
 * Crash safety comes from the write order. For each change:
 *   1. `<id>.before` (the replaced text, verbatim) and `<id>.after` are written;
 *   2. the entry is added to the index as `pending`;
 *   3. the note is changed, atomically, through the port (compare-and-write inside `process`);
 *   4. the entry becomes `applied` (or `failed`).
 * A crash after 1 leaves orphan text files and nothing else; after 2 or 3, a `pending` entry that
 * the next load settles by looking at the note. At no point has the note changed without its
 * previous text being on disk.
 *
 * Undo has the same shape: the entry becomes `undoing` (the intent), the note is restored, then
 * the entry becomes `undone`; a crash in between leaves `undoing`, which the next load settles by
 * the note's text (restored: undone; not: applied again, so undo can be retried).
 *
 * Every operation holds the data folder's `journal` lock (src/vault/data-lock.ts) from its first
 * read of the index to its last write: the plugin, the CLI and other processes share the folder,
 * and an in-process queue alone let two processes each write back an index without the other's
 * entry.
 */

const INDEX = 'journal/index.json';
/** What Groundwork last wrote to the readable Journal.md. */
const RENDERED = 'journal/note.json';

/** How long an entry journaled ahead of another program's write waits for that write. */
const AWAIT_MS = 10 * 60 * 1000;

function beforeName(id: string): string {
  return `journal/${id}.before`;
}

function afterName(id: string): string {
  return `journal/${id}.after`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface JournalOptions {
  /** The output folder (default `Groundwork`); the readable `Journal.md` lives there. */
  outputFolder: string;
  now?: () => Date;
  /**
   * Problems that must not fail a change that was already applied (the readable note could not be
   * written, or a person replaced it). Ignored when absent.
   */
  onProblem?: (message: string) => void;
  /**
   * Retention (default: 500 and 90 days): entries that are settled (undone or failed) beyond the
   * newest `keep` settled ones and older than `days` are dropped with their text files. Applied,
   * pending and undoing entries are always kept: undo and recovery may still need them.
   */
  retention?: Retention;
}

export class Journal {
  private readonly outputFolder: string;
  private readonly now: () => Date;
  private readonly onProblem: (message: string) => void;
  private readonly retention: Retention;

  constructor(
    private readonly vault: VaultPort,
    private readonly data: DataFolder,
    opts: JournalOptions,
  ) {
    this.outputFolder = normalizeVaultPath(opts.outputFolder, vault.configDir);
    this.now = opts.now ?? (() => new Date());
    this.onProblem = opts.onProblem ?? (() => undefined);
    this.retention = opts.retention ?? DEFAULT_RETENTION;
  }

  /** The readable journal note's vault path. */
  get notePath(): string {
    return journalNotePath(this.outputFolder);
  }

  /**
   * Applies one change atomically and journals it. `expectedBefore` is the exact text the agent
   * read (null: the note must not exist, and is created). Throws ChangedSinceRead, with nothing
   * written to the note and the entry marked `failed`, if the note's current text differs.
   */
  apply(change: JournalChange): Promise<JournalEntry> {
    return this.exclusive(async () => {
      const path = this.checkPath(change.path);
      const index = await this.load();
      const now = this.now();
      const id = await this.newId(index, now);
      const kind = change.expectedBefore === null ? 'create' : 'modify';
      const entry: JournalEntry = {
        id,
        time: now.toISOString(),
        path,
        kind,
        domain: change.domain,
        task: change.task,
        by: change.by,
        ...(change.proposal !== undefined ? { proposal: change.proposal } : {}),
        ...(change.author !== undefined ? { author: change.author } : {}),
        beforeHash: change.expectedBefore === null ? null : sha256Hex(change.expectedBefore),
        afterHash: sha256Hex(change.after),
        state: 'pending',
      };

      // Steps 1 and 2: the replaced text is safe on disk before the note is touched.
      if (change.expectedBefore !== null) await this.data.write(beforeName(id), change.expectedBefore);
      await this.data.write(afterName(id), change.after);
      index.entries.push(entry);
      await this.writeIndex(index);

      // Step 3.
      try {
        if (change.expectedBefore === null) await this.createNote(path, change.after);
        else await this.modifyNote(path, change.expectedBefore, change.after);
      } catch (err) {
        // Step 4, failure: the note is untouched (the compare ran inside the atomic write). If even
        // this index write fails, the entry stays pending and the next load settles it as failed.
        try {
          const failed = await this.updateEntry(entry, { state: 'failed' });
          await this.renderNote(failed);
        } catch (indexErr) {
          this.onProblem(`Could not mark journal entry ${id} as failed: ${messageOf(indexErr)}`);
        }
        throw err;
      }

      // Step 4, success. A failure here leaves the entry pending with the note changed; the next
      // load sees the note's text equals afterHash and marks it applied, so undo still works.
      const entries = await this.updateEntry(entry, { state: 'applied' });
      await this.renderNote((await this.prune()) ?? entries);
      return { ...entry, state: 'applied' };
    });
  }

  /**
   * Journals a note's current text before another program (an agent's own tool) changes it, so
   * undo can restore it byte for byte. The entry waits, pending, until the note's text differs;
   * any later load then records that text as the change's result and marks it applied. While an
   * entry for the note is still waiting on the same text, it is returned instead of a second one.
   */
  expect(change: ExpectedChange): Promise<JournalEntry> {
    return this.exclusive(async () => {
      const path = this.checkPath(change.path);
      const index = await this.load();
      const before = await this.currentText(path);
      const beforeHash = before === null ? null : sha256Hex(before);
      const waiting = index.entries.find((e) => e.awaiting && e.state === 'pending' && e.path === path && e.beforeHash === beforeHash);
      if (waiting) return { ...waiting };
      const now = this.now();
      const id = await this.newId(index, now);
      const entry: JournalEntry = {
        id,
        time: now.toISOString(),
        path,
        kind: before === null ? 'create' : 'modify',
        domain: change.domain,
        task: change.task,
        by: 'agent',
        author: change.author,
        beforeHash,
        afterHash: beforeHash ?? sha256Hex(''),
        state: 'pending',
        awaiting: true,
      };
      if (before !== null) await this.data.write(beforeName(id), before);
      index.entries.push(entry);
      await this.writeIndex(index);
      return { ...entry };
    });
  }

  /** Every entry, oldest first (newest last). Settles entries a crash left pending. */
  list(): Promise<JournalEntry[]> {
    return this.exclusive(async () => (await this.load()).entries.map((e) => ({ ...e })));
  }

  get(id: string): Promise<JournalEntry | null> {
    return this.exclusive(async () => {
      const found = (await this.load()).entries.find((e) => e.id === id);
      return found ? { ...found } : null;
    });
  }

  /**
   * The stored text before and after an entry's change, for a readable diff; null where there is
   * none (before a create) or where the file is missing.
   */
  async contents(id: string): Promise<{ before: string | null; after: string | null }> {
    const [before, after] = await Promise.all([this.data.read(beforeName(id)), this.data.read(afterName(id))]);
    return { before, after };
  }

  /**
   * Undoes the given entry, or the newest applied one. A modify gets back the exact text it
   * replaced; a created note goes to the trash. Refuses (UndoRefused, nothing written) when the
   * note changed since the change, the entry is not applied, or a newer applied change to the
   * same note has not been undone first.
   */
  undo(id?: string): Promise<JournalEntry> {
    return this.exclusive(async () => {
      const index = await this.load();
      const entry =
        id === undefined ? [...index.entries].reverse().find((e) => e.state === 'applied') : index.entries.find((e) => e.id === id);
      if (!entry) {
        throw new UndoRefused(id === undefined ? 'Nothing to undo: the journal has no applied change' : `No journal entry ${id}`);
      }
      if (entry.state === 'undone') {
        throw new UndoRefused(`${entry.id} (${entry.path}) was already undone${entry.undoneAt ? ` at ${entry.undoneAt}` : ''}`);
      }
      if (entry.state !== 'applied') {
        throw new UndoRefused(`${entry.id} (${entry.path}) was never applied (${entry.state}); there is nothing to undo`);
      }
      // Undoing an older change under a newer one would throw the newer one away silently (and
      // the hash check would not catch it if the newer one were undone later by hand).
      const newer = index.entries
        .slice(index.entries.indexOf(entry) + 1)
        .filter((e) => e.path === entry.path && e.state === 'applied')
        .reverse();
      if (newer.length > 0) {
        const which = newer.map((e) => `${e.id} (${e.time})`).join(', ');
        throw new UndoRefused(
          `A newer change to ${entry.path} is still applied: ${which}; undo ${newer.length > 1 ? 'those' : 'it'} first, newest first`,
        );
      }

      // The intent first: a crash after the note is restored must not leave an `applied` entry whose
      // undo would then be refused for a false reason and block the older entries behind it.
      await this.updateEntry(entry, { state: 'undoing' });
      try {
        if (entry.kind === 'modify') await this.restore(entry);
        else await this.trashCreated(entry);
      } catch (err) {
        // Refused: the note was left as is, so the change is still applied. Any other failure may
        // have come after the note was written: the intent stays, and the next load settles it by
        // the note's text, exactly as after a crash.
        if (err instanceof UndoRefused) await this.updateEntry(entry, { state: 'applied' });
        throw err;
      }

      const entries = await this.updateEntry(entry, { state: 'undone', undoneAt: this.now().toISOString() });
      await this.renderNote(entries);
      return { ...(entries.find((e) => e.id === entry.id) ?? entry) };
    });
  }

  // ---------------------------------------------------------------------------------------------

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return withDataLock(this.data, 'journal', fn);
  }

  /**
   * Drops the oldest settled entries beyond the retention, with their text files; never an
   * applied one. Call only while holding the lock. Returns the entries kept, or null when none
   * was dropped.
   */
  private async prune(): Promise<JournalEntry[] | null> {
    const index = await this.readIndex();
    const settled = index.entries.filter((e) => e.state === 'undone' || e.state === 'failed');
    const drop = new Set(expired(settled, (e) => e.time, this.retention, this.now()).map((e) => e.id));
    if (drop.size === 0) return null;
    index.entries = index.entries.filter((e) => !drop.has(e.id));
    await this.writeIndex(index);
    // The index no longer names them, so a crash here leaves only orphan files, never a dangling entry.
    for (const id of drop) {
      await this.data.remove(beforeName(id));
      await this.data.remove(afterName(id));
    }
    return index.entries;
  }

  /** DESIGN §3: only normalized vault paths, never the config folder, never the journal note. */
  private checkPath(path: string): string {
    const clean = normalizeVaultPath(path, this.vault.configDir);
    if (clean !== path) throw new PathError(`Refused a path that is not normalized: ${JSON.stringify(path)} (would be ${clean})`);
    if (clean === this.notePath) throw new PathError(`Refused a change to ${clean}: it is the journal's own note`);
    return clean;
  }

  /** Time to the second plus a per-second counter keeps ids sortable; the random byte keeps two
   * processes (plugin and CLI) that journal in the same second from picking the same id. */
  private async newId(index: JournalIndex, now: Date): Promise<string> {
    const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
    const taken = new Set(index.entries.map((e) => e.id));
    let seq = index.entries.filter((e) => e.id.startsWith(`${stamp}-`)).length;
    for (;;) {
      const id = `${stamp}-${hex2(seq)}${hex2(Math.floor(Math.random() * 256))}`;
      // An id whose text files exist (an orphan of a crash, or another process) is never reused:
      // overwriting a `.before` could lose the only copy of a replaced text.
      if (!taken.has(id) && (await this.data.read(afterName(id))) === null && (await this.data.read(beforeName(id))) === null) {
        return id;
      }
      seq++;
    }
  }

  private async readIndex(): Promise<JournalIndex> {
    const raw = await this.data.read(INDEX);
    if (raw === null) return { version: 1, entries: [] };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new JournalDamaged(`The journal index (${INDEX} in the plugin's data folder) is not valid JSON: ${messageOf(err)}. It was left as is.`);
    }
    const parsed = journalIndexSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown shape';
      throw new JournalDamaged(`The journal index (${INDEX} in the plugin's data folder) is damaged (${where}). It was left as is.`);
    }
    return parsed.data;
  }

  private writeIndex(index: JournalIndex): Promise<void> {
    return this.data.write(INDEX, `${JSON.stringify(index, null, 2)}\n`);
  }

  /**
   * Re-reads the index before changing one entry, so an entry another process (the plugin and the
   * CLI share the folder) added meanwhile is kept. Returns the entries as written.
   */
  private async updateEntry(entry: JournalEntry, patch: Partial<JournalEntry>): Promise<JournalEntry[]> {
    Object.assign(entry, patch);
    const index = await this.readIndex();
    const i = index.entries.findIndex((e) => e.id === entry.id);
    if (i >= 0) index.entries[i] = { ...entry };
    else index.entries.push({ ...entry });
    await this.writeIndex(index);
    return index.entries;
  }

  /** The index, with entries a crash left pending settled by the note's current text. */
  private async load(): Promise<JournalIndex> {
    const index = await this.readIndex();
    let settled = false;
    for (const e of index.entries) {
      if (e.state === 'pending' && e.awaiting) {
        settled = (await this.settleAwaiting(e)) || settled;
      } else if (e.state === 'pending') {
        e.state = await this.settle(e);
        settled = true;
      } else if (e.state === 'undoing') {
        const undone = await this.settleUndo(e);
        e.state = undone ? 'undone' : 'applied';
        if (undone) e.undoneAt = this.now().toISOString();
        settled = true;
      }
    }
    if (settled) {
      await this.writeIndex(index);
      await this.renderNote(index.entries);
    }
    return index;
  }

  /**
   * A pending entry's change was applied exactly when the note now holds the text it wrote.
   * Anything else (the old text, no note, or a text nobody journaled) counts as not applied:
   * marking it applied would let undo claim a change it cannot prove, and the replaced text stays
   * in `<id>.before` either way.
   */
  private async settle(e: JournalEntry): Promise<'applied' | 'failed'> {
    try {
      const current = await this.currentText(e.path);
      return current !== null && sha256Hex(current) === e.afterHash ? 'applied' : 'failed';
    } catch (err) {
      if (err instanceof VaultError && err.kind === 'not-text') return 'failed';
      throw err;
    }
  }

  /**
   * An entry journaled before another program's write: once the note's text differs from the one
   * journaled, that text is the change's result. Unchanged after AWAIT_MS, the program made no
   * change (its tool failed or was stopped), so a later edit is never taken for its result.
   * True when the entry changed.
   */
  private async settleAwaiting(e: JournalEntry): Promise<boolean> {
    let current: string | null;
    try {
      current = await this.currentText(e.path);
    } catch (err) {
      if (err instanceof VaultError && err.kind === 'not-text') current = null;
      else throw err;
    }
    const unchanged = current === null ? e.kind === 'create' : sha256Hex(current) === e.beforeHash;
    if (unchanged) {
      if (this.now().getTime() - Date.parse(e.time) < AWAIT_MS) return false;
      e.state = 'failed';
    } else if (current === null) {
      // Deleted (or made unreadable) by the program: there is no text to undo to.
      e.state = 'failed';
    } else {
      await this.data.write(afterName(e.id), current);
      e.afterHash = sha256Hex(current);
      e.state = 'applied';
    }
    delete e.awaiting;
    return true;
  }

  /**
   * An undo a crash interrupted took effect exactly when the note holds the text from before the
   * change again (a created note: when it is gone). Otherwise the change still stands.
   */
  private async settleUndo(e: JournalEntry): Promise<boolean> {
    try {
      const current = await this.currentText(e.path);
      if (e.kind === 'create') return current === null;
      return current !== null && sha256Hex(current) === e.beforeHash;
    } catch (err) {
      if (err instanceof VaultError && err.kind === 'not-text') return false;
      throw err;
    }
  }

  private async currentText(path: string): Promise<string | null> {
    try {
      return await this.vault.read(path);
    } catch (err) {
      if (err instanceof VaultError && err.kind === 'not-found') return null;
      throw err;
    }
  }

  private async modifyNote(path: string, expectedBefore: string, after: string): Promise<void> {
    try {
      // The compare runs inside the atomic write: a person's edit between the agent's read and
      // now makes the callback throw, and process then writes nothing.
      await this.vault.process(path, (current) => {
        if (current !== expectedBefore) {
          throw new ChangedSinceRead(`${path} changed since the agent read it; the change was not applied`, path);
        }
        return after;
      });
    } catch (err) {
      if (err instanceof VaultError && err.kind === 'not-found') {
        throw new ChangedSinceRead(`${path} was deleted or moved since the agent read it; the change was not applied`, path);
      }
      throw err;
    }
  }

  private async createNote(path: string, text: string): Promise<void> {
    try {
      await this.vault.create(path, text);
    } catch (err) {
      if (err instanceof VaultError && err.kind === 'exists') {
        throw new ChangedSinceRead(`${path} already exists; the change expected to create it and was not applied`, path);
      }
      throw err;
    }
  }

  private changedSince(entry: JournalEntry, current: string): UndoRefused {
    const how =
      entry.beforeHash !== null && sha256Hex(current) === entry.beforeHash
        ? 'it already has the text from before the change'
        : 'its text is not what the change wrote';
    return new UndoRefused(`${entry.path} changed since the change (${entry.id}, ${entry.time}: ${how}); undo would lose those edits`);
  }

  private async restore(entry: JournalEntry): Promise<void> {
    const before = await this.data.read(beforeName(entry.id));
    // The stored text is checked against its hash: restoring a damaged copy would not be undo.
    if (before === null || sha256Hex(before) !== entry.beforeHash) {
      throw new UndoRefused(
        `The text that ${entry.id} replaced in ${entry.path} is missing or damaged in the plugin's data folder (${beforeName(entry.id)}); ${entry.path} was left as is`,
      );
    }
    try {
      // Compare and restore in one atomic step, so a concurrent edit is never overwritten.
      await this.vault.process(entry.path, (current) => {
        if (sha256Hex(current) !== entry.afterHash) throw this.changedSince(entry, current);
        return before;
      });
    } catch (err) {
      if (err instanceof VaultError && err.kind === 'not-found') {
        throw new UndoRefused(`${entry.path} no longer exists (deleted or moved since ${entry.id}); there is nothing to restore into`);
      }
      throw err;
    }
  }

  private async trashCreated(entry: JournalEntry): Promise<void> {
    const current = await this.currentText(entry.path);
    if (current === null) {
      throw new UndoRefused(`${entry.path} no longer exists (deleted or moved since ${entry.id}); there is nothing to undo`);
    }
    if (sha256Hex(current) !== entry.afterHash) throw this.changedSince(entry, current);
    // The port has no compare-and-trash; the window between this read and the trash is as short
    // as the port allows, and the trash (not a delete) keeps even an edit made in it recoverable.
    await this.vault.trash(entry.path);
  }

  /**
   * Regenerates the readable journal. Never fails the operation: the change is already applied
   * and journaled in the data folder; the note is only a view of it.
   */
  private async renderNote(entries: readonly JournalEntry[]): Promise<void> {
    const path = this.notePath;
    const text = renderJournalNote(entries);
    try {
      if ((await this.vault.stat(path)) === null) {
        try {
          await this.vault.create(path, text);
          await this.recordRendered(text);
          return;
        } catch (err) {
          // Created meanwhile (another process): fall through to the guarded update.
          if (!(err instanceof VaultError && err.kind === 'exists')) throw err;
        }
      }
      const last = await this.lastRendered();
      let kept: 'replaced' | 'edited' | null = null;
      await this.vault.process(path, (current) => {
        if (!isOwnJournalNote(current)) kept = 'replaced';
        // A note rendered before this record existed has no hash: it counts as Groundwork's own.
        else if (last !== null && sha256Hex(current) !== last && current !== text) kept = 'edited';
        else return text;
        return current;
      });
      if (kept === null) await this.recordRendered(text);
      else if (kept === 'replaced') {
        this.onProblem(
          `${path} was not updated: its first line is no longer "${JOURNAL_HEADING}", so a person replaced it. The journal itself is intact in the plugin's data folder.`,
        );
      } else {
        this.onProblem(
          `${path} was not updated: it was edited since Groundwork wrote it, and your text is kept as it is. The journal itself is intact in the plugin's data folder; move ${path} away to get a fresh one.`,
        );
      }
    } catch (err) {
      this.onProblem(`Could not update ${path}: ${messageOf(err)}`);
    }
  }

  /** The hash of the journal note as Groundwork last wrote it: what tells a person's edit apart. */
  private async lastRendered(): Promise<string | null> {
    const raw = await this.data.read(RENDERED);
    try {
      const parsed = raw === null ? null : (JSON.parse(raw) as { path?: string; sha256?: string } | null);
      return parsed?.path === this.notePath && typeof parsed.sha256 === 'string' ? parsed.sha256 : null;
    } catch {
      return null;
    }
  }

  private async recordRendered(text: string): Promise<void> {
    await this.data.write(RENDERED, JSON.stringify({ path: this.notePath, sha256: sha256Hex(text) }));
  }
}
