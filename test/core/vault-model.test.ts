import { describe, expect, it } from 'vitest';
import { analyzeNote } from '../../src/core/note-record';
import { VaultModel, mapToJson } from '../../src/core/vault-model';
import { bodyFingerprint } from '../../src/core/fingerprint';
import { parseNote } from '../../src/core/frontmatter';

function model(notes: Record<string, string>): VaultModel {
  const m = new VaultModel('Groundwork');
  for (const [path, text] of Object.entries(notes)) m.set(analyzeNote(path, text));
  return m;
}

const DIST_BODY = '# D distillate\n\nSummary [S1].\n';
const artifacts = (opts: { distConf?: string; openTasks?: number; skelConf?: string; critiqueGenerated?: string } = {}) => ({
  'Groundwork/D/D sources.md': '---\ngroundwork: sources\ndomain: "[[D]]"\nconfidence: low\n---\n- S1 [[Member]]\n',
  'Groundwork/D/D distillate.md': `---\ngroundwork: distillate\ndomain: "[[D]]"\nconfidence: ${opts.distConf ?? 'high'}\n---\n${DIST_BODY}`,
  'Groundwork/D/D critique.md': `---\ngroundwork: critique\ndomain: "[[D]]"\nconfidence: low\ngenerated: ${opts.critiqueGenerated ?? '2026-01-01T10:00:00Z'}\n---\n${'- [ ] issue\n'.repeat(opts.openTasks ?? 0)}- [x] done\n`,
  'Groundwork/D/D skeleton.md': `---\ngroundwork: skeleton\ndomain: "[[D]]"\nconfidence: ${opts.skelConf ?? 'medium'}\n---\n- D\n  - Area\n`,
});
const fp = bodyFingerprint(parseNote(`---\na: 1\n---\n${DIST_BODY}`).body);

describe('membership', () => {
  it('counts notes whose domain property links the domain note, by basename or path, single or list', () => {
    const m = model({
      'Areas/K8s.md': '---\ngroundwork: domain\nconfidence: medium\n---\nK8s\n',
      'a.md': '---\ndomain: "[[K8s]]"\n---\nA\n',
      'b.md': '---\ndomain:\n  - "[[Areas/K8s|Kubernetes]]"\n  - "[[Other]]"\n---\nB\n',
      'c.md': '---\ndomain: "[[Nothing]]"\n---\nC\n',
      'd.md': '---\ndomain: K8s\n---\nD\n',
      'Other.md': '---\ngroundwork: domain\n---\nO\n',
    });
    const map = m.computeMap();
    const k8s = map.domains.find((d) => d.name === 'K8s')!;
    expect(k8s.memberPaths).toEqual(['a.md', 'b.md']);
    expect(map.domains.find((d) => d.name === 'Other')!.notes).toBe(1);
    expect(map.problems).toEqual([
      { path: 'c.md', message: 'domain: [[Nothing]] does not link to any note' },
      { path: 'd.md', message: 'domain: "K8s" is not a link; write it as "[[Domain name]]"' },
    ]);
  });

  it('counts pending proposals in the inbox, not generated notes, as the domain’s', () => {
    const m = model({
      'D.md': '---\ngroundwork: domain\n---\nD\n',
      'Groundwork/Inbox/p1.md': '---\ngroundwork: proposal\ndomain: "[[D]]"\nstatus: pending\n---\nP\n',
      'Groundwork/Inbox/p2.md': '---\ngroundwork: proposal\ndomain: "[[D]]"\nstatus: accepted\n---\nP\n',
      ...artifacts(),
    });
    const d = m.computeMap().domains[0]!;
    expect(d.pending).toBe(1);
    expect(d.notes).toBe(0);
  });
});

describe('stage, sign-off and staleness', () => {
  const domain = (extra: string) => `---\ngroundwork: domain\nconfidence: high\n${extra}---\nD\n`;

  it('walks the stages as the generated notes appear', () => {
    expect(model({ 'D.md': domain('') }).computeMap().domains[0]!.stage).toBe('unexplored');
    const a = artifacts();
    const researched = model({ 'D.md': domain(''), 'Groundwork/D/D sources.md': a['Groundwork/D/D sources.md'], 'Groundwork/D/D distillate.md': a['Groundwork/D/D distillate.md'] });
    expect(researched.computeMap().domains[0]!.stage).toBe('researched');
    const mapped = model({ 'D.md': domain(''), ...a });
    expect(mapped.computeMap().domains[0]).toMatchObject({ stage: 'mapped', mode: 'assist', blockers: [] });
  });

  it('a fresh sign-off gives automate; an edited distillate makes it stale and drops to assist', () => {
    const fresh = model({ 'D.md': domain(`signed-off: 2026-01-02\nsigned-off-distillate: ${fp}\n`), ...artifacts() });
    expect(fresh.computeMap().domains[0]).toMatchObject({ mode: 'automate', stage: 'signed-off', stale: false });

    const edited = model({
      'D.md': domain(`signed-off: 2026-01-02\nsigned-off-distillate: ${fp}\n`),
      ...artifacts(),
      'Groundwork/D/D distillate.md': `---\ngroundwork: distillate\ndomain: "[[D]]"\nconfidence: high\n---\n${DIST_BODY}One more claim.\n`,
    });
    expect(edited.computeMap().domains[0]).toMatchObject({ mode: 'assist', stage: 'mapped', stale: true, staleReason: 'The distillate changed since the sign-off' });
  });

  it('line endings and trailing spaces do not make a sign-off stale', () => {
    const crlf = model({
      'D.md': domain(`signed-off: 2026-01-02\nsigned-off-distillate: ${fp}\n`),
      ...artifacts(),
      'Groundwork/D/D distillate.md': `---\r\ngroundwork: distillate\r\ndomain: "[[D]]"\r\nconfidence: high\r\n---\r\n${DIST_BODY.replace(/\n/g, '  \r\n')}`,
    });
    expect(crlf.computeMap().domains[0]!.stale).toBe(false);
  });

  it('a critique newer than the sign-off with open issues makes it stale', () => {
    const m = model({ 'D.md': domain('signed-off: 2026-01-02\n'), ...artifacts({ openTasks: 2, critiqueGenerated: '2026-01-05T08:00:00Z' }) });
    expect(m.computeMap().domains[0]).toMatchObject({ stale: true, mode: 'assist', staleReason: 'A critique newer than the sign-off has open issues' });
    const older = model({ 'D.md': domain('signed-off: 2026-01-02\n'), ...artifacts({ openTasks: 2, critiqueGenerated: '2025-12-30T08:00:00Z' }) });
    expect(older.computeMap().domains[0]!.stale).toBe(false);
  });

  it('lists what blocks the sign-off', () => {
    const m = model({ 'D.md': domain(''), ...artifacts({ distConf: 'medium', openTasks: 3, skelConf: 'low' }) });
    expect(m.computeMap().domains[0]!.blockers).toEqual([
      "Raise the distillate's confidence to high once you have read it (Groundwork/D/D distillate.md)",
      '3 open critique issues: tick or delete each task in Groundwork/D/D critique.md',
      'Review the skeleton and raise its confidence to at least medium (Groundwork/D/D skeleton.md)',
    ]);
    expect(model({ 'D.md': domain('') }).computeMap().domains[0]!.blockers).toHaveLength(3);
  });
});

describe('problems', () => {
  it('a domain note whose frontmatter cannot be read stays on the map, in propose, with its problem', () => {
    const m = model({
      'D.md': '---\ngroundwork: domain\nconfidence: high\nconfidence: high\nsigned-off: 2026-01-01\n---\nD\n',
      'Broken.md': "---\ngroundwork: 'domain'\ncritical: [oops\n---\nB\n",
      'Plain.md': '---\ntitle: [oops\n---\nnot a domain\n',
    });
    const map = m.computeMap();
    expect(map.domains.map((d) => [d.name, d.mode, d.reason])).toEqual([
      ['Broken', 'propose', 'invalid-trust-value'],
      ['D', 'propose', 'invalid-trust-value'],
    ]);
    expect(map.problems.map((p) => p.path)).toEqual(['Broken.md', 'D.md', 'Plain.md']);
  });

  it('names each bad file and keeps processing the others', () => {
    const m = model({
      'bad-yaml.md': '---\nconfidence: [unclosed\n---\nx\n',
      'js.md': '---js\n{ confidence: "high" }\n---\nx\n',
      'dup.md': '---\nconfidence: low\nconfidence: high\n---\nx\n',
      'invalid.md': '---\ngroundwork: domain\nconfidence: sorta\n---\nx\n',
      'empty.md': '',
      'only-fm.md': '---\ngroundwork: domain\nconfidence: low\n---\n',
      'fine.md': '---\ngroundwork: domain\nconfidence: medium\n---\nFine\n',
    });
    const json = mapToJson(m.computeMap());
    const paths = json.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['bad-yaml.md', 'js.md', 'dup.md', 'invalid.md', 'empty.md', 'only-fm.md']));
    expect(paths).not.toContain('fine.md');
    expect(json.domains.map((d) => [d.name, d.mode])).toEqual([
      ['fine', 'assist'],
      ['invalid', 'propose'],
      ['only-fm', 'propose'],
    ]);
    expect(Object.keys(json.domains[0]!)).toEqual(['name', 'path', 'confidence', 'critical', 'mode', 'stage', 'signedOff', 'stale', 'notes', 'linked', 'included', 'pending', 'blockers', 'probation', 'evidence', 'sourcesChanged', 'suggestion']);
  });
});
