import type { LlmClient } from '../llm';
import type { VaultModel } from '../core/vault-model';
import type { DataFolder, VaultPort } from '../vault/port';
import type { HtmlToText } from '../sources/html-text';
import { GroundworkError, type ErrorCategory } from '../core/errors';

export type Stage = 'adopt' | 'gather' | 'digest' | 'distill' | 'critique' | 'skeleton' | 'write';

export interface Progress {
  stage: Stage;
  /** Items done and total within the stage, when it has items (digests). */
  done?: number;
  total?: number;
  message: string;
}

/**
 * The counter a progress line shows: `3/6` when both are known, `3` while the total is not yet
 * known (digests start while the scout still gathers), nothing when the stage has no items; so
 * a counter never reads `0/3` and never runs past its total.
 */
export function progressCounter(p: Pick<Progress, 'done' | 'total'>): string {
  if (p.done === undefined || p.done < 1) return '';
  return p.total !== undefined && p.total >= p.done ? `${p.done}/${p.total}` : String(p.done);
}

/** Everything an agent run needs, supplied by a shell (the plugin or the CLI). */
export interface AgentContext {
  vault: VaultPort;
  data: DataFolder;
  model: VaultModel;
  llm: LlmClient;
  outputFolder: string;
  /** Fetch for source pages and the search endpoint (never the model endpoint's key). */
  fetch: typeof fetch;
  htmlToText: HtmlToText;
  /**
   * Hosts the person allowed although private, and how the shell resolves names (the CLI's DNS;
   * Obsidian has none, so there only literal addresses and localhost names are checked).
   */
  network?: { allowHosts?: readonly string[]; resolveHost?: (host: string) => Promise<string[]> };
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** The clock, so tests and journals agree on times. */
  now?: () => Date;
  /**
   * Gives the event loop back (the plugin: a window timer, the CLI: setImmediate), so that long
   * loops run in slices; without it they run in one piece.
   */
  yieldNow?: () => Promise<void>;
  /**
   * The model outlives the run (the plugin's live model): the scout resolves every note's links
   * once, in slices, and the model keeps them current. A one-shot run resolves only the links
   * that can reach the notes it asks about.
   */
  keepsModel?: boolean;
}

export function nowIso(ctx: AgentContext): string {
  return (ctx.now?.() ?? new Date()).toISOString();
}

export function checkCancelled(ctx: AgentContext): void {
  if (ctx.signal?.aborted) throw new RunCancelled();
}

export class RunCancelled extends GroundworkError {
  constructor() {
    super('Cancelled: nothing more was written');
    this.name = 'RunCancelled';
  }

  override get category(): ErrorCategory {
    return 'cancelled';
  }
}

/** A failure of a run that a person can act on; its message is shown as is. */
export class AgentError extends GroundworkError {
  constructor(message: string) {
    super(message);
    this.name = 'AgentError';
  }
}
