import { GroundworkError } from '../core/errors';

/**
 * The Vault port: everything Groundwork needs from a vault, so that agents, the map and the Gate
 * run the same over Obsidian's API (src/plugin/obsidian-vault.ts) and over a plain folder
 * (src/cli/node-vault.ts). Paths are vault-relative, '/'-separated, already normalized.
 */

export interface FileStat {
  path: string;
  /** Bytes. */
  size: number;
  /** Modification time, ms since the epoch. */
  mtime: number;
  /**
   * Node only: the status-change time and the inode. No tool sets ctime back, so with them a
   * rewrite that kept the size and the mtime (a sync tool, `touch -r`) still shows.
   */
  ctime?: number;
  ino?: number;
}

/** A file found by a listing: its path only, so listing a large vault costs no stat per file. */
export interface ListedFile {
  path: string;
}

export type VaultErrorKind = 'not-found' | 'exists' | 'not-text' | 'read-only' | 'no-space' | 'changed' | 'io';

/** A failure with a kind the callers can act on and a message a person can read. */
export class VaultError extends GroundworkError {
  constructor(
    readonly kind: VaultErrorKind,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

export interface VaultPort {
  /** The vault's config folder name (".obsidian" by default); never listed, never written. */
  readonly configDir: string;
  /** Every markdown note in the vault, the config folder skipped. */
  listNotes(): Promise<ListedFile[]>;
  /** Every file (any extension) under a folder, recursively; empty when the folder is missing. */
  listFiles(folder: string): Promise<ListedFile[]>;
  /** The file's text; throws VaultError 'not-found' or 'not-text' (binary content). */
  read(path: string): Promise<string>;
  stat(path: string): Promise<FileStat | null>;
  /**
   * The text and the size and mtime it was read with, for the full-text index's freshness key.
   * Optional: without it the model is loaded without stamps and the index re-reads its notes.
   */
  readWithStat?(path: string): Promise<{ text: string; stat: FileStat }>;
  /**
   * readWithStat, blocking: cheaper when the text is already in memory (the OS's page cache), far
   * dearer when each read waits for the disk. Optional, Node only: see src/vault/read-while-fast.ts.
   */
  readWithStatNow?(path: string): { text: string; stat: FileStat };
  /** Creates a new file atomically (parents as needed); throws VaultError 'exists' if it is there. */
  create(path: string, content: string): Promise<void>;
  /**
   * Atomic read-modify-write: `fn` gets the current text and returns the new text; returning the
   * same string writes nothing. Returns what was written.
   */
  process(path: string, fn: (current: string) => string): Promise<string>;
  /**
   * Moves a file to the trash (Obsidian's trash setting; `.trash/` in the vault for the CLI), so
   * even an undo of a created note loses nothing.
   */
  trash(path: string): Promise<void>;
}

/**
 * A small key/value folder for the plugin's own data (journal, response cache), under
 * `<configDir>/plugins/groundwork/` in both shells. Names are relative to that folder.
 */
export interface DataFolder {
  read(name: string): Promise<string | null>;
  /** Atomic replace. */
  write(name: string, data: string): Promise<void>;
  remove(name: string): Promise<void>;
  list(prefix?: string): Promise<string[]>;
  /**
   * Creates `name` holding `data` only when nothing has that name yet: true when it did, false
   * when a file was already there (never replaced). The lock files of src/vault/data-lock.ts rest
   * on it, so it is one atomic step where the platform has one (a hard link on Node).
   */
  createExclusive(name: string, data: string): Promise<boolean>;
  /** Names this folder for the in-process lock queue: two objects over one folder share a key. */
  readonly lockKey: string;
  /** Who holds a lock taken here: the shell, and its process id and host where it can know them. */
  readonly lockIdentity: LockIdentity;
  /**
   * True only when the holder is certainly gone (its process is not running on this host), so its
   * lock can be taken over at once; false when it runs or when this shell cannot tell.
   */
  holderGone(holder: LockIdentity): boolean;
}

export interface LockIdentity {
  /** 'cli', 'obsidian', 'mcp', … as the shell names itself. */
  app: string;
  pid?: number;
  host?: string;
}
