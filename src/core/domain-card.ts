import { ZONES } from './map-render';
import { FALLTHROUGH, MODE_ROWS, type ModeReason } from './policy';
import { basename } from './layout';
import type { Blocker } from './signoff';
import type { Mode } from './trust';
import type { DomainDetail } from './vault-model';

/**
 * What a domain's card on the map says and offers, derived in one place so the view, the
 * gallery and the tests agree: its zone, one consistent line of facts (never two phrases that
 * contradict or repeat each other), and the one next step a button starts.
 */

export type NextStep = 'research' | 'critique' | 'skeleton' | 'signoff' | 'task';

export const NEXT_STEP_LABEL: Record<NextStep, string> = {
  research: 'Research',
  critique: 'Critique',
  skeleton: 'Draft skeleton',
  signoff: 'Sign off',
  task: 'Run a task',
};

/** The mode each reason gives before the `autonomy` cap, read from the policy's own rows. */
const BASE_MODE = Object.fromEntries([...MODE_ROWS.map((r) => [r.reason, r.mode]), [FALLTHROUGH.reason, FALLTHROUGH.mode]]) as Record<ModeReason, Mode>;

const RANK: Record<Mode, number> = { propose: 0, assist: 1, automate: 2 };

const REASON_TEXT: Record<ModeReason, string | null> = {
  critical: 'critical: agents only draft',
  'invalid-trust-value': 'a trust value is invalid: fail safe',
  'low-confidence': 'confidence low or unset',
  'medium-confidence': 'confidence medium',
  'not-signed-off': 'confidence high, not signed off',
  // Said by the sign-off phrase instead, so it is not said twice.
  'stale-sign-off': null,
  // Said by the evidence's badge and suggestion on the same card.
  probation: null,
  'signed-off': null,
};

/** The step the card's main button starts. */
export function nextStep(d: Pick<DomainDetail, 'stage' | 'blockerItems' | 'probation'>): NextStep {
  // On probation the evidence says "review, then sign off again": a new sign-off is what ends it.
  if (d.stage === 'signed-off') return d.probation ? 'signoff' : 'task';
  return d.blockerItems.find((b) => b.step !== null)?.step ?? 'signoff';
}

/** Whether `autonomy` lowered the mode the trust keys give. */
export function isCapped(d: Pick<DomainDetail, 'reason' | 'mode' | 'autonomy'>): boolean {
  return d.autonomy !== null && RANK[d.mode] < RANK[BASE_MODE[d.reason]];
}

export function zoneTitle(mode: Mode): string {
  return ZONES.find((z) => z.mode === mode)?.title ?? mode;
}

/** Why the domain is in its zone, in one phrase; null when the sign-off phrase says it. */
export function whyText(d: Pick<DomainDetail, 'reason' | 'mode' | 'autonomy'>): string | null {
  if (isCapped(d)) return `capped at ${d.mode} by autonomy`;
  return REASON_TEXT[d.reason];
}

/** The stage and sign-off in one phrase: "signed off 2026-01-02", or the stage and why a sign-off went stale. */
export function stageText(d: Pick<DomainDetail, 'stage' | 'signedOff' | 'stale' | 'staleReason'>): string {
  if (d.stage === 'signed-off') return `signed off ${d.signedOff ?? ''}`.trim();
  const stage = `stage ${d.stage}`;
  if (d.signedOff && d.stale) return `${stage} · sign-off of ${d.signedOff} is stale${d.staleReason ? `: ${d.staleReason.charAt(0).toLowerCase()}${d.staleReason.slice(1)}` : ''}`;
  return stage;
}

/** The card's line of facts. */
export function cardFacts(d: DomainDetail): string {
  // The zone is the section the card sits in and its badge's colour: not repeated here.
  const parts = [whyText(d), stageText(d), `${d.notes} note${d.notes === 1 ? '' : 's'}`];
  return parts.filter((p): p is string => p !== null && p !== '').join(' · ');
}

/** The critical badge only where it explains the mode; a capped domain shows its cap instead. */
export function showsCritical(d: Pick<DomainDetail, 'critical' | 'reason' | 'mode' | 'autonomy'>): boolean {
  return d.critical && d.reason === 'critical' && !isCapped(d);
}

/**
 * A blocker's text as the label of a link to the note that clears it: the path the plain text
 * spells out is what the link already leads to, so it says "the critique" instead.
 */
export function blockerLinkText(b: Blocker): string {
  if (!b.path) return b.text;
  return b.text.replace(` (${b.path})`, '').replace(` in ${b.path}`, ` in the ${basename(b.path).replace(/^.* /, '')}`);
}
