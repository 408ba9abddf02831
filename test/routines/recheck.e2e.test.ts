import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { withScriptedModelAndVault } from '../support/scripted-vault';
import { runCli } from '../support/run-cli';
import { scriptedAgents } from '../support/scripted-agents';
import type { Handler } from '../support/openai-server';

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };

let script: (handler: Handler) => void;

withScriptedModelAndVault((s, v, sc) => {
  server = s;
  vault = v;
  script = sc;
});

const env = () => ({ OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model' });
const file = (rel: string) => path.join(vault.dir, rel);
const read = (rel: string) => readFileSync(file(rel), 'utf8');
const write = (rel: string, text: string) => writeFileSync(file(rel), text);
const schemaNames = () => server.chatRequests.map((r) => r.body?.response_format?.json_schema?.name ?? '?');

async function mapDomain(name: string) {
  const r = await runCli(['map', vault.dir, '--json']);
  return (JSON.parse(r.stdout) as { domains: { name: string; mode: string; stale: boolean; sourcesChanged: string[]; suggestion: string | null }[] }).domains.find((d) => d.name === name)!;
}

/** Research, map and sign off Kubernetes as a person would: read, resolve, review. */
async function signedOffKubernetes() {
  expect((await runCli(['research', vault.dir, 'Kubernetes'], env())).code).toBe(0);
  expect((await runCli(['skeleton', vault.dir, 'Kubernetes'], env())).code).toBe(0);
  const dist = 'Groundwork/Kubernetes/Kubernetes distillate.md';
  write(dist, read(dist).replace('confidence: low', 'confidence: high'));
  const crit = 'Groundwork/Kubernetes/Kubernetes critique.md';
  write(crit, read(crit).replace('- [ ] ', '- [x] '));
  const skel = 'Groundwork/Kubernetes/Kubernetes skeleton.md';
  write(skel, read(skel).replace('confidence: low', 'confidence: medium'));
  write('Kubernetes.md', read('Kubernetes.md').replace('confidence: medium', 'confidence: high'));
  expect((await runCli(['signoff', vault.dir, 'Kubernetes', '--yes'])).code).toBe(0);
}

describe('re-check sources', () => {
  it('an edited source of a signed-off domain shows in sourcesChanged; the routine digests only it, re-critiques, and the sign-off goes stale', async () => {
    await signedOffKubernetes();
    expect(await mapDomain('Kubernetes')).toMatchObject({ mode: 'automate', stale: false, sourcesChanged: [], suggestion: null });
    write('Kubernetes.md', read('Kubernetes.md').replace(/^---\n/, '---\nroutines:\n  - "changed note: re-check sources"\n'));
    expect((await runCli(['routines', vault.dir], env())).code).toBe(0);

    const runbook = 'Projects/Staging cluster runbook.md';
    // At the top, where the digest's quote comes from, so the new digest differs from the old one.
    write(runbook, read(runbook).replace(/^(---\n[\s\S]*?\n---\n)/, '$1We moved the cluster to a new region; the old ingress is gone.\n\n'));
    const shifted = await mapDomain('Kubernetes');
    expect(shifted.sourcesChanged).toEqual([runbook]);
    expect(shifted.suggestion).toMatch(/^1 source changed since its digest/);

    const researchCalls = schemaNames().length;
    const ticked = read('Groundwork/Kubernetes/Kubernetes critique.md');
    const r = await runCli(['routines', vault.dir, '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ domain: 'Kubernetes', routine: 'changed note: re-check sources', trigger: 'changed note', outcome: 'applied', path: 'Groundwork/Kubernetes/Kubernetes critique.md' }]);
    // Only the changed source was digested again, then the critic ran once.
    expect(schemaNames().slice(researchCalls)).toEqual(['source_digest', 'critique']);
    const critique = read('Groundwork/Kubernetes/Kubernetes critique.md');
    // The person's ticks are kept; the new issues are added as open tasks.
    expect(critique).toContain(ticked.slice(ticked.indexOf('# Kubernetes — critique')).trimEnd());
    expect(critique).toMatch(/## Re-check \d{4}-\d{2}-\d{2}/);
    expect(critique).toContain('- [ ] **weak-spot**');

    const after = await mapDomain('Kubernetes');
    expect(after).toMatchObject({ mode: 'assist', stale: true, sourcesChanged: [] });
    expect(after.suggestion).toBe('A critique newer than the sign-off has open issues: review, then sign off again.');
  });

  const critiquePath = 'Groundwork/Kubernetes/Kubernetes critique.md';
  const distillatePath = 'Groundwork/Kubernetes/Kubernetes distillate.md';
  const runbook = 'Projects/Staging cluster runbook.md';
  const shiftRunbook = (line: string) => write(runbook, read(runbook).replace(/^(---\n[\s\S]*?\n---\n)/, `$1${line}\n\n`));
  const openTasks = (text: string) => text.split('\n').filter((l) => l.startsWith('- [ ] '));
  /** The routine as a person sets it up: on the domain note, with a first run that only takes note of the vault. */
  async function withRecheckRoutine() {
    write('Kubernetes.md', read('Kubernetes.md').replace(/^---\n/, '---\nroutines:\n  - "changed note: re-check sources"\n'));
    expect((await runCli(['routines', vault.dir], env())).code).toBe(0);
  }
  async function recheck() {
    const r = await runCli(['routines', vault.dir, '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ routine: 'changed note: re-check sources', outcome: 'applied' }]);
  }

  it('a second re-check does not repeat the issues that are still open from the first', async () => {
    await signedOffKubernetes();
    await withRecheckRoutine();
    shiftRunbook('We moved the cluster to a new region; the old ingress is gone.');
    await recheck();
    const first = read(critiquePath);
    const openAfterFirst = openTasks(first);
    expect(openAfterFirst.length).toBeGreaterThan(0);

    shiftRunbook('The new region has two zones.');
    await recheck();
    const second = read(critiquePath);
    // Everything the first re-check wrote is still there, byte for byte.
    expect(second).toContain(first.slice(first.indexOf('# Kubernetes — critique')).trimEnd());
    expect(second.match(/## Re-check \d{4}-\d{2}-\d{2}/g)).toHaveLength(2);
    // The same critic finds the same issues: none is listed as a second open task.
    expect(openTasks(second)).toEqual(openAfterFirst);
    const lastSection = second.slice(second.lastIndexOf('## Re-check'));
    expect(lastSection).toMatch(new RegExp(`${openAfterFirst.length} issues? it raised again (is|are) already open above`));
  });

  it('a re-check whose new digest quotes words the source does not contain lowers the distillate\'s quotes-verified', async () => {
    await signedOffKubernetes();
    await withRecheckRoutine();
    const shareOf = () => Number(/^quotes-verified: (.*)$/m.exec(read(distillatePath))?.[1]);
    expect(shareOf()).toBe(1);
    const honest = scriptedAgents();
    // The changed source's digest now quotes a sentence that is in no source.
    script(async (body, req) => {
      const answer = await honest(body, req);
      const user = body.messages.map((m) => m.content).join('\n');
      if (body.response_format?.json_schema?.name === 'source_digest' && user.includes('new region')) {
        return { ...answer, json: { summary: 'The runbook in brief.', keyPoints: [{ quote: 'The cluster runs on the moon.', point: 'Where it runs', kind: 'concept' }] } };
      }
      return answer;
    });
    shiftRunbook('We moved the cluster to a new region; the old ingress is gone.');
    await recheck();
    const share = shareOf();
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(1);
    // The map's evidence follows the distillate.
    const m = await runCli(['map', vault.dir, '--json']);
    const k = (JSON.parse(m.stdout) as { domains: { name: string; evidence: { quotesVerified: number | null } }[] }).domains.find((d) => d.name === 'Kubernetes')!;
    expect(k.evidence.quotesVerified).toBe(share);
  });
});
