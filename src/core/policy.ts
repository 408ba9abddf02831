import type { Mode, Trust } from './trust';

/**
 * The mode table of DESIGN §1, first match wins, then the `autonomy` cap. Kept as data-shaped
 * code so each row maps to one test.
 */

const RANK: Record<Mode, number> = { propose: 0, assist: 1, automate: 2 };

export interface ModeInput {
  trust: Trust;
  /** A sign-off exists and is not stale (see staleness.ts). */
  freshSignOff: boolean;
}

export type ModeReason =
  | 'critical'
  | 'invalid-trust-value'
  | 'low-confidence'
  | 'medium-confidence'
  | 'not-signed-off'
  | 'stale-sign-off'
  | 'signed-off';

export function baseMode({ trust, freshSignOff }: ModeInput): { mode: Mode; reason: ModeReason } {
  if (trust.critical && !trust.invalid.includes('critical')) return { mode: 'assist', reason: 'critical' };
  if (trust.invalid.length > 0) return { mode: 'propose', reason: 'invalid-trust-value' };
  if (trust.confidence === null || trust.confidence === 'low') return { mode: 'propose', reason: 'low-confidence' };
  if (trust.confidence === 'medium') return { mode: 'assist', reason: 'medium-confidence' };
  if (!trust.signedOff) return { mode: 'assist', reason: 'not-signed-off' };
  if (!freshSignOff) return { mode: 'assist', reason: 'stale-sign-off' };
  return { mode: 'automate', reason: 'signed-off' };
}

export function capMode(mode: Mode, cap: Mode | null): Mode {
  return cap !== null && RANK[cap] < RANK[mode] ? cap : mode;
}

/** The mode after the `autonomy` cap (an invalid cap is ignored: the invalid row already applies), and why. */
export function decideMode(input: ModeInput): { mode: Mode; reason: ModeReason } {
  const { mode, reason } = baseMode(input);
  return { mode: capMode(mode, input.trust.invalid.includes('autonomy') ? null : input.trust.autonomy), reason };
}

export function modeFor(input: ModeInput): Mode {
  return decideMode(input).mode;
}
