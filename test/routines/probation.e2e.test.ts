import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { withScriptedModelAndVault } from '../support/scripted-vault';
import { EXAMPLE_VAULT } from '../support/temp-vault';
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
const TARGET = 'Notes/Blog deploy checklist.md';

interface MapDomain {
  name: string;
  mode: string;
  probation: boolean;
  evidence: { applied: number; undone: number; reverted: number; accepted: number; rejected: number; quotesVerified: number | null };
  sourcesChanged: string[];
  suggestion: string | null;
}

async function domain(name: string): Promise<MapDomain> {
  const r = await runCli(['map', vault.dir, '--json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { domains: MapDomain[] }).domains.find((d) => d.name === name)!;
}

async function runTask(domainName: string, task: string, note: string) {
  const r = await runCli(['run', vault.dir, domainName, '--task', task, '--note', note, '--json'], env());
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { mode: string; outcome: string; proposalPath?: string; entry?: { id: string } };
}

describe('probation: autonomy falls back by itself, and a new sign-off restores it (CLI)', () => {
  it('two undone automated changes put the domain in assist, on probation, with a suggestion; a sign-off clears it', async () => {
    const before = await domain('Static site builds');
    expect(before).toMatchObject({ mode: 'automate', probation: false, evidence: { applied: 0, undone: 0, reverted: 0, accepted: 0, rejected: 0, quotesVerified: null }, sourcesChanged: [], suggestion: null });

    for (const task of ['Add a rollback step', 'Add a smoke test step']) {
      expect((await runTask('Static site builds', task, TARGET)).outcome).toBe('applied');
      expect((await runCli(['undo', vault.dir])).code).toBe(0);
    }
    const after = await domain('Static site builds');
    expect(after).toMatchObject({ mode: 'assist', probation: true, evidence: { applied: 2, undone: 2, reverted: 0 } });
    expect(after.suggestion).toBe('On probation since 2 automated changes were undone: review, then sign off again.');
    // No trust key was written: the domain note is as it was.
    expect(read('Static site builds.md')).toBe(readFileSync(path.join(EXAMPLE_VAULT, 'Static site builds.md'), 'utf8'));

    // The Gate sees the probation too: the next task only drafts.
    expect(await runTask('Static site builds', 'Add a cache step', TARGET)).toMatchObject({ mode: 'assist', outcome: 'proposal' });
    const md = await runCli(['map', vault.dir, '--write']);
    expect(md.code).toBe(0);
    const mapNote = read('Groundwork/Autonomy map.md');
    expect(mapNote).toContain('**on probation**');
    expect(mapNote).toContain('2 automated changes since the sign-off: 2 undone, 0 reverted');
    expect(mapNote).toContain('*Suggestion:* On probation since 2 automated changes were undone');

    const signed = await runCli(['signoff', vault.dir, 'Static site builds', '--yes']);
    expect(signed.code).toBe(0);
    expect(await domain('Static site builds')).toMatchObject({ mode: 'automate', probation: false, evidence: { applied: 0, undone: 0 }, suggestion: null });
  });

  it('a person who puts back the text an automated change replaced reverts it; accepted and rejected proposals are counted', async () => {
    const original = read(TARGET);
    const applied = await runTask('Static site builds', 'Add a rollback step', TARGET);
    expect(applied.outcome).toBe('applied');
    writeFileSync(file(TARGET), original);
    expect((await domain('Static site builds')).evidence).toMatchObject({ applied: 1, undone: 0, reverted: 1 });
    // Still counted after the note changes again: the revert was recorded when it was seen.
    writeFileSync(file(TARGET), `${original}\nMy own line.\n`);
    expect((await domain('Static site builds')).evidence).toMatchObject({ applied: 1, reverted: 1 });

    const p1 = await runTask('Kubernetes', 'Add a monitoring section', 'Projects/Staging cluster runbook.md');
    const p2 = await runTask('Kubernetes', 'Add a backup section', 'Projects/Staging cluster runbook.md');
    expect((await runCli(['reject', vault.dir, p2.proposalPath!])).code).toBe(0);
    expect((await runCli(['accept', vault.dir, p1.proposalPath!])).code).toBe(0);
    expect((await domain('Kubernetes')).evidence).toMatchObject({ accepted: 1, rejected: 1 });
  });
});
