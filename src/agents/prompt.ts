import { sha256Hex } from '../core/fingerprint';
import { estimateTokens } from '../core/tokens';
import type { LlmClient, LlmMessage, LlmRole } from '../llm';
import type { Fence } from './untrusted';

/**
 * The shape every agent prompt takes, for small models as much as large ones: the instructions
 * and the fence rule first, the fenced data, then the rule again and the task restated — a model
 * with an 8k window weighs the end of its prompt most, and that is where the task is.
 */

export interface Prompt {
  messages: LlmMessage[];
  /** The fence's nonce, so the client can leave it out of the cache key. */
  nonce: string;
}

export function buildPrompt(fence: Fence, system: string, data: string, task: string): Prompt {
  return {
    messages: [
      { role: 'system', content: `${system}\n\n${fence.rule}` },
      { role: 'user', content: `${data}\n\n${fence.reminder}\n\nYour task: ${task}` },
    ],
    nonce: fence.nonce,
  };
}

/**
 * The answer length for a role: its usual need, but never more than a share of the window, so a
 * small window still leaves room for the data the answer is about.
 */
export function answerTokens(llm: LlmClient, role: LlmRole, usual: number, share: number): number {
  return Math.min(usual, Math.floor(llm.contextWindow(role) * share));
}

/** Token room for the data of a prompt whose fixed parts (instructions, task, empty fences) are `overhead`. */
export function dataRoom(llm: LlmClient, role: LlmRole, answer: number, overhead: LlmMessage[]): number {
  return llm.promptRoom(role, answer) - overhead.reduce((n, m) => n + estimateTokens(m.content) + 4, 3);
}

/**
 * Groups blocks, in order, into batches whose estimated size stays within `room`. A block larger
 * than the room gets a batch of its own (the call then says plainly that it does not fit, rather
 * than anything being cut).
 */
export function batchesThatFit(blocks: string[], room: number, sepTokens = 2): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let used = 0;
  for (const b of blocks) {
    const t = estimateTokens(b) + sepTokens;
    if (current.length > 0 && used + t > room) {
      out.push(current);
      current = [];
      used = 0;
    }
    current.push(b);
    used += t;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * A short id of what shapes an agent's answer — its instructions and its schema — for keys of
 * stored answers: when either changes, old answers are not reused.
 */
export function promptVersion(...parts: unknown[]): string {
  return sha256Hex(JSON.stringify(parts)).slice(0, 12);
}
