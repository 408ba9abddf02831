import type { Mode, Trust } from './trust';

/**
 * The mode table of DESIGN §1, first match wins, then the `autonomy` cap. The rows are data:
 * the policy evaluates them here, and the domains base (core/domains-base.ts) compiles the same
 * rows into a Bases formula, so the table and the base cannot disagree.
 */

const RANK: Record<Mode, number> = { propose: 0, assist: 1, automate: 2 };

export interface ModeInput {
  trust: Trust;
  /** A sign-off exists and is not stale (see staleness.ts). */
  freshSignOff: boolean;
  /** The domain is on probation (evidence.ts): automation falls back to assist by itself. */
  probation?: boolean;
}

export type ModeReason =
  | 'critical'
  | 'invalid-trust-value'
  | 'low-confidence'
  | 'medium-confidence'
  | 'not-signed-off'
  | 'stale-sign-off'
  | 'probation'
  | 'signed-off';

/**
 * What a row tests. `written` predicates read only the trust keys as written in frontmatter;
 * `derived` ones need the vault's state (the distillate, critiques), which only the map knows.
 */
export type ModePredicate = 'critical' | 'invalid-trust-value' | 'low-confidence' | 'medium-confidence' | 'not-signed-off' | 'stale-sign-off' | 'probation';

export interface ModeRow {
  when: ModePredicate;
  mode: Mode;
  reason: ModeReason;
  /** True when the predicate reads only the trust keys as written. */
  written: boolean;
}

export const MODE_ROWS: readonly ModeRow[] = [
  { when: 'critical', mode: 'assist', reason: 'critical', written: true },
  { when: 'invalid-trust-value', mode: 'propose', reason: 'invalid-trust-value', written: true },
  { when: 'low-confidence', mode: 'propose', reason: 'low-confidence', written: true },
  { when: 'medium-confidence', mode: 'assist', reason: 'medium-confidence', written: true },
  { when: 'not-signed-off', mode: 'assist', reason: 'not-signed-off', written: true },
  { when: 'stale-sign-off', mode: 'assist', reason: 'stale-sign-off', written: false },
  { when: 'probation', mode: 'assist', reason: 'probation', written: false },
];

/** When no row matches: confidence high and a fresh sign-off. */
export const FALLTHROUGH: { mode: Mode; reason: ModeReason } = { mode: 'automate', reason: 'signed-off' };

const PREDICATES: Record<ModePredicate, (input: ModeInput) => boolean> = {
  critical: ({ trust }) => trust.critical && !trust.invalid.includes('critical'),
  'invalid-trust-value': ({ trust }) => trust.invalid.length > 0,
  'low-confidence': ({ trust }) => trust.confidence === null || trust.confidence === 'low',
  'medium-confidence': ({ trust }) => trust.confidence === 'medium',
  'not-signed-off': ({ trust }) => !trust.signedOff,
  'stale-sign-off': ({ freshSignOff }) => !freshSignOff,
  probation: ({ probation }) => probation === true,
};

export function baseMode(input: ModeInput): { mode: Mode; reason: ModeReason } {
  for (const row of MODE_ROWS) if (PREDICATES[row.when](input)) return { mode: row.mode, reason: row.reason };
  return FALLTHROUGH;
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
