import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { withScriptedModelAndVault } from '../support/scripted-vault';
import { runCli } from '../support/run-cli';

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };

withScriptedModelAndVault((s, v) => {
  server = s;
  vault = v;
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
});
