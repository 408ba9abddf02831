import { describe, expect, it } from 'vitest';
import { analyzeNote } from '../../src/core/note-record';
import { VaultModel, type DomainDetail } from '../../src/core/vault-model';
import { cardFacts, nextStep, showsCritical, whyText } from '../../src/core/domain-card';
import { plainWikilinks } from '../../src/core/links';

function domains(notes: Record<string, string>): Record<string, DomainDetail> {
  const m = new VaultModel('Groundwork');
  for (const [path, text] of Object.entries(notes)) m.set(analyzeNote(path, text));
  return Object.fromEntries(m.computeMap().domains.map((d) => [d.name, d]));
}

const gen = (d: string, kind: string, extra = '', body = 'x\n') => `---\ngroundwork: ${kind}\ndomain: "[[${d}]]"\n${extra}---\n${body}`;

describe('the next step on a domain card', () => {
  it('follows the cycle: research, critique, skeleton, sign off, then tasks', () => {
    const ds = domains({
      'A.md': '---\ngroundwork: domain\n---\n',
      'B.md': '---\ngroundwork: domain\n---\n',
      'Groundwork/B/B sources.md': gen('B', 'sources'),
      'Groundwork/B/B distillate.md': gen('B', 'distillate', 'confidence: low\n'),
      'C.md': '---\ngroundwork: domain\n---\n',
      'Groundwork/C/C sources.md': gen('C', 'sources'),
      'Groundwork/C/C distillate.md': gen('C', 'distillate', 'confidence: high\n'),
      'Groundwork/C/C critique.md': gen('C', 'critique', '', '- [x] fine\n'),
      'D.md': '---\ngroundwork: domain\n---\n',
      'Groundwork/D/D sources.md': gen('D', 'sources'),
      'Groundwork/D/D distillate.md': gen('D', 'distillate', 'confidence: low\n'),
      'Groundwork/D/D critique.md': gen('D', 'critique', '', '- [ ] open\n'),
      'Groundwork/D/D skeleton.md': gen('D', 'skeleton', 'confidence: low\n'),
      'E.md': '---\ngroundwork: domain\nconfidence: high\nsigned-off: 2026-01-01\n---\n',
    });
    expect(nextStep(ds.A!)).toBe('research');
    expect(nextStep(ds.B!)).toBe('critique');
    expect(nextStep(ds.C!)).toBe('skeleton');
    // Everything ran: what is left is the person's reading, so the step is the sign-off dialog, and each blocker links its note.
    expect(nextStep(ds.D!)).toBe('signoff');
    expect(ds.D!.blockerItems.map((b) => b.path)).toEqual(['Groundwork/D/D distillate.md', 'Groundwork/D/D critique.md', 'Groundwork/D/D skeleton.md']);
    expect(nextStep(ds.E!)).toBe('task');
    // A signed-off domain on probation is led back to the sign-off, which ends the probation.
    expect(nextStep({ ...ds.E!, probation: true })).toBe('signoff');
  });
});

describe('a card never contradicts or repeats itself', () => {
  it('a capped critical domain says its cap, not "critical"; a signed-off one says so once', () => {
    const ds = domains({
      'Capped.md': '---\ngroundwork: domain\ncritical: true\nautonomy: propose\n---\n',
      'Critical.md': '---\ngroundwork: domain\ncritical: true\n---\n',
      'Signed.md': '---\ngroundwork: domain\nconfidence: high\nsigned-off: 2026-01-01\n---\n',
    });
    expect(ds.Capped!.mode).toBe('propose');
    expect(whyText(ds.Capped!)).toBe('capped at propose by autonomy');
    expect(showsCritical(ds.Capped!)).toBe(false);
    expect(cardFacts(ds.Capped!)).not.toMatch(/critical/);
    expect(showsCritical(ds.Critical!)).toBe(true);
    const signed = cardFacts(ds.Signed!);
    expect(signed).toBe('signed off 2026-01-01 · 0 notes');
    expect(signed.match(/signed off/g)).toHaveLength(1);
  });

  it('a stale sign-off says why in the same phrase', () => {
    const ds = domains({
      'S.md': '---\ngroundwork: domain\nconfidence: high\nsigned-off: 2026-01-01\nsigned-off-distillate: sha256:000000000000\n---\n',
      'Groundwork/S/S sources.md': gen('S', 'sources'),
      'Groundwork/S/S distillate.md': gen('S', 'distillate', 'confidence: high\n'),
    });
    expect(cardFacts(ds.S!)).toBe('stage researched · sign-off of 2026-01-01 is stale: the distillate changed since the sign-off · 0 notes');
  });
});

describe('plain wikilinks for the terminal', () => {
  it('shows the alias or the note name, never the brackets', () => {
    expect(plainWikilinks('Ranks matter [[Groundwork/L/L sources#S3|S3]], see [[Notes/Rank notes]] and [[X#Part]].')).toBe('Ranks matter S3, see Rank notes and X.');
  });
});

describe('what the sign-off dialog says the sign-off does', () => {
  it('promises automation only where the trust keys allow it', async () => {
    const { afterSignOffText } = await import('../../src/core/signoff');
    expect(afterSignOffText({ confidence: 'low' }, '2026-01-02', 'sha256:0123456789ab')).toMatch(/^Then agents may act in this domain on their own/);
    expect(afterSignOffText({ critical: true }, '2026-01-02', null)).toBe('It stays in the assist zone because it is critical: agents draft and you edit and accept.');
    expect(afterSignOffText({ autonomy: 'propose' }, '2026-01-02', null)).toBe('Its autonomy key caps it at propose: agents only propose options and you decide.');
    expect(afterSignOffText({ critical: 'maybe' }, '2026-01-02', null)).toMatch(/^A trust value is invalid/);
  });
});
