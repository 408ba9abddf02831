import { describe, expect, it } from 'vitest';
import { countingSince, evidenceOf, onProbation, suggestionFor, type AutomatedChange, type EvidenceFacts } from '../../src/core/evidence';
import { baseMode } from '../../src/core/policy';
import { readTrust } from '../../src/core/trust';
import { dayOf, parseRoutines, weekOf } from '../../src/core/routines';
import { analyzeNote } from '../../src/core/note-record';

const change = (i: number, o: Partial<AutomatedChange> = {}): AutomatedChange => ({ id: `c${i}`, time: `2026-12-01T10:00:${String(i).padStart(2, '0')}.000Z`, undone: false, reverted: false, ...o });
const facts = (changes: AutomatedChange[], since: string | null = null, extra: Partial<EvidenceFacts> = {}): EvidenceFacts => ({ since, changes, proposals: [], sourcesChanged: [], quotesVerified: null, ...extra });

describe('probation (DESIGN §1)', () => {
  it('counts the last 10 automated changes since the sign-off: 2 undone or reverted put the domain on probation', () => {
    expect(onProbation(facts([change(1, { undone: true }), change(2)]))).toBe(false);
    expect(onProbation(facts([change(1, { undone: true }), change(2, { reverted: true })]))).toBe(true);
    // Two bad ones, then ten good ones: outside the window of the last ten.
    const old = [change(1, { undone: true }), change(2, { undone: true }), ...Array.from({ length: 10 }, (_, i) => change(3 + i))];
    expect(onProbation(facts(old))).toBe(false);
    // Changes before the sign-off do not count.
    expect(onProbation(facts([change(1, { undone: true }), change(2, { undone: true }), change(3)], change(3).time))).toBe(false);
  });

  it('counts from the latest recorded sign-off, or from the signed-off date when none is recorded', () => {
    expect(countingSince(null, '2026-12-01')).toBe('2026-12-01T00:00:00.000Z');
    expect(countingSince('2026-12-01T15:00:00.000Z', '2026-12-01')).toBe('2026-12-01T15:00:00.000Z');
    // A sign-off typed by hand on a later day starts a new count.
    expect(countingSince('2026-11-01T15:00:00.000Z', '2026-12-01')).toBe('2026-12-01T00:00:00.000Z');
    expect(countingSince(null, null)).toBeNull();
  });

  it('the mode table: a fresh sign-off on probation gives assist, and only then', () => {
    const trust = readTrust('D.md', { confidence: 'high', 'signed-off': '2026-12-01' }).trust;
    expect(baseMode({ trust, freshSignOff: true, probation: true })).toEqual({ mode: 'assist', reason: 'probation' });
    expect(baseMode({ trust, freshSignOff: true, probation: false })).toEqual({ mode: 'automate', reason: 'signed-off' });
    expect(baseMode({ trust, freshSignOff: false, probation: true })).toEqual({ mode: 'assist', reason: 'stale-sign-off' });
  });

  it('evidence counts and suggestions', () => {
    const f = facts([change(1, { undone: true }), change(2, { reverted: true }), change(3)], null, {
      proposals: [{ time: '1', outcome: 'accepted' }, { time: '2', outcome: 'accepted-edited' }, { time: '3', outcome: 'rejected' }],
    });
    expect(evidenceOf(f)).toEqual({ applied: 3, undone: 1, reverted: 1, accepted: 2, rejected: 1, quotesVerified: null });
    expect(suggestionFor({ mode: 'assist', probation: true, signedOff: true, staleReason: null, facts: f })).toBe(
      'On probation since 2 of the last 3 automated changes were undone or reverted by hand: review, then sign off again.',
    );
    const accepted = facts([], null, { proposals: Array.from({ length: 10 }, (_, i) => ({ time: String(i), outcome: i === 0 ? ('rejected' as const) : ('accepted' as const) })) });
    expect(suggestionFor({ mode: 'propose', probation: false, signedOff: false, staleReason: null, facts: accepted })).toBe(
      '9 of the last 10 proposals accepted unchanged: research and sign-off could move it to automate.',
    );
    expect(suggestionFor({ mode: 'automate', probation: false, signedOff: true, staleReason: null, facts: facts([], null, { sourcesChanged: ['a.md'] }) })).toMatch(/^1 source changed since its digest/);
    expect(suggestionFor({ mode: 'automate', probation: false, signedOff: true, staleReason: null, facts: facts([]) })).toBeNull();
  });
});

describe('routines (DESIGN §1)', () => {
  it('reads "<trigger>: <task>" lines; an invalid line is a problem, the others still count', () => {
    const r = parseRoutines(['new note: add links to related notes', 'Daily: Re-check sources', 'sometimes: tidy up', 'weekly:', 42]);
    expect(r.routines).toEqual([
      { trigger: 'new note', task: 'add links to related notes', line: 'new note: add links to related notes' },
      { trigger: 'daily', task: 're-check sources', line: 'Daily: Re-check sources' },
    ]);
    expect(r.problems).toHaveLength(3);
    expect(r.problems[0]).toContain('"sometimes: tidy up" has no known trigger');
  });

  it('an invalid routine line on a domain note is a problem naming the file', () => {
    const rec = analyzeNote('Domains/D.md', '---\ngroundwork: domain\nroutines:\n  - "hourly: do it"\n---\n# D\n');
    expect(rec.routines).toEqual([]);
    expect(rec.problems.some((p) => p.includes('"hourly: do it" has no known trigger'))).toBe(true);
  });

  it('days and ISO weeks', () => {
    expect(dayOf(new Date('2026-12-02T23:59:00Z'))).toBe('2026-12-02');
    expect(weekOf(new Date('2026-12-02T10:00:00Z'))).toBe('2026-W49');
    expect(weekOf(new Date('2027-01-01T10:00:00Z'))).toBe('2026-W53');
  });
});
