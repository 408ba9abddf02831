import * as z from 'zod/mini';
import { GroundworkError } from '../core/errors';

/**
 * One applied (or attempted) change. The index holds only this record; the replaced and the new
 * text live beside it as `<id>.before` / `<id>.after`, so the index stays small however large the
 * notes are.
 */
export interface JournalEntry {
  /** Sortable and unique: UTC time to the second, then a per-second counter and a random byte. */
  id: string;
  /** ISO time of the attempt. */
  time: string;
  /** Vault-relative path of the note changed. */
  path: string;
  kind: 'modify' | 'create';
  /** The domain note's path. */
  domain: string;
  task: string;
  /** Applied by an automate-mode agent, or by the person accepting a proposal. */
  by: 'agent' | 'accept';
  /** The proposal note's path when `by` is 'accept'. */
  proposal?: string;
  /** Who asked for the change from outside Groundwork: the MCP client's name, or the agent behind a hook. */
  author?: string;
  /** sha256Hex of the full text before; null for a create. */
  beforeHash: string | null;
  /** sha256Hex of the full text after; while `awaiting`, the before text's hash (nothing is known yet). */
  afterHash: string;
  /** `undoing`: an undo started (its intent is recorded) and has not finished; the next load settles it. */
  state: 'pending' | 'applied' | 'undoing' | 'undone' | 'failed';
  /**
   * Journaled before another program writes the note (an agent's tool, let through by the hook):
   * the text it writes is recorded when the note next changes, and the entry then becomes applied.
   */
  awaiting?: boolean;
  undoneAt?: string;
}

export interface JournalChange {
  path: string;
  /** The exact text the agent read; null means the note must not exist yet and is created. */
  expectedBefore: string | null;
  after: string;
  domain: string;
  task: string;
  by: 'agent' | 'accept';
  proposal?: string;
  author?: string;
}

/** A change another program is about to make; its text is recorded once it is made. */
export interface ExpectedChange {
  /** The note; its text is read, under the journal's lock, as the text to restore. */
  path: string;
  domain: string;
  task: string;
  author: string;
}

/** The target changed since the agent read it; nothing was written. */
export class ChangedSinceRead extends GroundworkError {
  // Message first, as for Error, so callers can throw one the same way; the path is for callers
  // that report by file.
  constructor(
    message: string,
    readonly path = '',
  ) {
    super(message);
    this.name = 'ChangedSinceRead';
  }
}

/** Undo was refused, with a reason a person can act on; nothing was written. */
export class UndoRefused extends GroundworkError {
  constructor(message: string) {
    super(message);
    this.name = 'UndoRefused';
  }
}

/** The journal's own storage cannot be read; it is left as is rather than overwritten. */
export class JournalDamaged extends GroundworkError {
  constructor(message: string) {
    super(message);
    this.name = 'JournalDamaged';
  }
}

const hash = z.string().check(z.regex(/^[0-9a-f]{64}$/));

// Checked on every load: the index is a file a person (or a sync conflict) can damage, and undo
// must never act on a record it only half understands.
export const journalEntrySchema = z.object({
  id: z.string().check(z.minLength(1)),
  time: z.string(),
  path: z.string().check(z.minLength(1)),
  kind: z.enum(['modify', 'create']),
  domain: z.string(),
  task: z.string(),
  by: z.enum(['agent', 'accept']),
  proposal: z.optional(z.string()),
  author: z.optional(z.string()),
  beforeHash: z.nullable(hash),
  afterHash: hash,
  state: z.enum(['pending', 'applied', 'undoing', 'undone', 'failed']),
  awaiting: z.optional(z.boolean()),
  undoneAt: z.optional(z.string()),
});

export const journalIndexSchema = z.object({
  version: z.literal(1),
  entries: z.array(journalEntrySchema),
});

export type JournalIndex = z.infer<typeof journalIndexSchema>;
