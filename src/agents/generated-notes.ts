import { sha256Hex } from '../core/fingerprint';
import { isInside, normalizeVaultPath, PathError } from '../core/layout';
import { VaultError, type DataFolder, type VaultPort } from '../vault/port';
import { withDataLock } from '../vault/data-lock';
import { writeProposal } from './proposals';

/**
 * Writes generated notes without ever clobbering a person's edit. The plugin remembers the hash
 * of what it last wrote at each path; a note whose text still has that hash is the plugin's to
 * replace, anything else is the person's and gets a proposal to replace it instead.
 */

const LEDGER = 'written.json';

type Ledger = Record<string, string>;

export interface WriteResult {
  path: string;
  /** created: new note; replaced: the plugin's own unedited note; unchanged: same text; proposal: the person had edited it. */
  outcome: 'created' | 'replaced' | 'unchanged' | 'proposal';
  /** For a proposal: where it was written. */
  proposalPath?: string;
}

/** The data folder lock every read-modify-write of the record takes (src/vault/data-lock.ts). */
const LOCK = 'generated';

export class GeneratedNotes {
  constructor(
    private readonly vault: VaultPort,
    private readonly data: DataFolder,
    private readonly outputFolder: string,
  ) {}

  /*
   * The record is read fresh for every decision, never cached: another process (three research
   * runs at once, the plugin and the CLI) may have written a note and recorded it meanwhile, and
   * judging by an old copy would call Groundwork's own text "edited by the person".
   */
  private async load(): Promise<Ledger> {
    const raw = await this.data.read(LEDGER);
    try {
      return raw ? (JSON.parse(raw) as Ledger) : {};
    } catch {
      // A damaged ledger only means "treat every existing note as the person's": safe.
      return {};
    }
  }

  /** Call only while holding the lock. */
  private async rememberHeld(path: string, text: string): Promise<void> {
    const ledger = await this.load();
    ledger[path] = sha256Hex(text);
    await this.data.write(LEDGER, JSON.stringify(ledger));
  }

  private remember(path: string, text: string): Promise<void> {
    return withDataLock(this.data, LOCK, () => this.rememberHeld(path, text));
  }

  /** True when a write at `path` would create or replace the plugin's own text, not propose over the person's. */
  async isReplaceable(path: string): Promise<boolean> {
    const target = this.checkPath(path);
    if (!(await this.vault.stat(target))) return true;
    return (await this.load())[target] === sha256Hex(await this.vault.read(target));
  }

  /** Refuses any path outside the output folder: generated notes live nowhere else. */
  checkPath(path: string): string {
    const clean = normalizeVaultPath(path, this.vault.configDir);
    if (!isInside(clean, this.outputFolder)) throw new PathError(`Refused to write outside ${this.outputFolder}/: ${path}`);
    return clean;
  }

  async write(path: string, text: string, proposal: { domainPath: string; task: string; now: string }): Promise<WriteResult> {
    const target = this.checkPath(path);
    // The write and its record in one locked step, so a concurrent run never sees one without the other.
    const state = await withDataLock(this.data, LOCK, async () => {
      // Decided inside the atomic process() callback, read after it.
      const s: { outcome: WriteResult['outcome']; edited: string | null } = { outcome: 'unchanged', edited: null };
      try {
        await this.vault.create(target, text);
        await this.rememberHeld(target, text);
        s.outcome = 'created';
        return s;
      } catch (err) {
        if (!(err instanceof VaultError && err.kind === 'exists')) throw err;
      }
      const ledger = await this.load();
      await this.vault.process(target, (current) => {
        if (current === text) return current;
        if (ledger[target] !== sha256Hex(current)) {
          s.edited = current;
          return current;
        }
        s.outcome = 'replaced';
        return text;
      });
      if (s.outcome === 'replaced') await this.rememberHeld(target, text);
      return s;
    });
    if (state.edited === null) return { path: target, outcome: state.outcome };
    const proposalPath = await this.writeReplacementProposal(target, text, proposal, state.edited);
    return { path: target, outcome: 'proposal', proposalPath };
  }

  /**
   * For derived files a person may reshape (the domains base): written where absent or still
   * exactly as Groundwork last wrote it; an edited one is left alone, with no proposal, since
   * nothing in it is new to the person.
   */
  async writeUnlessEdited(path: string, text: string): Promise<Exclude<WriteResult['outcome'], 'proposal'> | 'kept-edited'> {
    const target = this.checkPath(path);
    return withDataLock(this.data, LOCK, async () => {
      try {
        await this.vault.create(target, text);
        await this.rememberHeld(target, text);
        return 'created' as const;
      } catch (err) {
        if (!(err instanceof VaultError && err.kind === 'exists')) throw err;
      }
      const ledger = await this.load();
      // Decided inside the atomic process() callback, read after it.
      const state: { outcome: 'replaced' | 'unchanged' | 'kept-edited' } = { outcome: 'unchanged' };
      await this.vault.process(target, (current) => {
        if (current === text) return current;
        if (ledger[target] !== sha256Hex(current)) {
          state.outcome = 'kept-edited';
          return current;
        }
        state.outcome = 'replaced';
        return text;
      });
      if (state.outcome !== 'kept-edited') await this.rememberHeld(target, text);
      return state.outcome;
    });
  }

  /**
   * Changes an existing generated note in place, atomically, keeping every byte the change does
   * not touch (a person's ticks and edits included). The note stays "the plugin's own" only if it
   * was before.
   */
  async update(path: string, change: (current: string) => string): Promise<string> {
    const target = this.checkPath(path);
    const ledger = await this.load();
    let wasOwn = false;
    const text = await this.vault.process(target, (current) => {
      wasOwn = ledger[target] === sha256Hex(current);
      return change(current);
    });
    if (wasOwn) await this.remember(target, text);
    return text;
  }

  /** A proposal to replace an edited generated note; the person accepts or rejects it. */
  private async writeReplacementProposal(target: string, text: string, p: { domainPath: string; task: string; now: string }, current: string): Promise<string> {
    const path = await writeProposal(this.vault, this.data, this.outputFolder, {
      domain: p.domainPath,
      mode: 'assist',
      task: p.task,
      options: [
        {
          title: 'The new version',
          rationale: "You edited this note since Groundwork wrote it, so the new version was not written over your text. Accept to replace the note with it, or reject to keep yours.",
          kind: 'replace-note',
          target,
          content: text,
        },
      ],
      baseHashes: { [target]: sha256Hex(current) },
      now: p.now,
    });
    await this.remember(path, await this.vault.read(path));
    return path;
  }
}

