/**
 * One base for every failure Groundwork expects and can explain, and one mapping from any thrown
 * value to what a shell tells the person. The plugin (a notice), the CLI (one line on stderr and
 * an exit code) and the MCP server (a tool failure) all report through `describeError`, so one
 * failure reads the same wherever it happens, and a class added later cannot be forgotten by
 * one shell and turn into "unexpected" there.
 */

/** How a shell reports a failure: `usage` (the CLI adds its usage, exit 2), `cancelled`, or a plain `failure`. */
export type ErrorCategory = 'usage' | 'cancelled' | 'failure';

/** A failure whose message is written for the person: what failed, where, and what to do. */
export class GroundworkError extends Error {
  constructor(message: string) {
    super(message);
    // Set by each subclass too: a minified bundle renames classes, so new.target.name is no name.
    this.name = 'GroundworkError';
  }

  get category(): ErrorCategory {
    return 'failure';
  }
}

/** What every shell says after a cancel: the promise the write order keeps. */
export const CANCELLED_MESSAGE = 'Cancelled; notes written before the cancel are kept, nothing else was written';

export interface DescribedError {
  /** `unexpected`: not a GroundworkError, a bug or a platform failure nobody anticipated. */
  category: ErrorCategory | 'unexpected';
  /** One line for the person (no stack trace). */
  message: string;
}

export function describeError(err: unknown): DescribedError {
  if (err instanceof GroundworkError) {
    const category = err.category;
    return { category, message: category === 'cancelled' ? CANCELLED_MESSAGE : err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { category: 'unexpected', message: `Unexpected failure: ${message}` };
}
