import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer, type ChatRequestBody } from '../support/openai-server';
import { scriptedAgents, type ScriptOptions } from '../support/scripted-agents';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';
import { runCli } from '../support/run-cli';
import { codeChecks, judgeAnswers } from '../../src/agents/verifier';

/** The verifier of automate mode: code checks on the diff first, then named model checks; it can say no. */

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
let script: ScriptOptions;
let verification: Record<string, { evidence: string; answer: string }> | null;

const NOTE = 'Notes/Release notes.md';
const TEXT = `---\ndomain: "[[Static site builds]]"\n---\n# Release notes\n\n## Summary\n\nOld summary.\n\n### Rollback plan\n\nIf the deploy breaks, revert the merge commit.\n\n## Contacts\n\nAsk Dana.\n`;
const option = (o: Record<string, unknown>) => ({ title: 'Edit', rationale: 'The task asks for it.', kind: 'replace-section', heading: 'Summary', noteName: '', content: 'The blog ships on every push to main.', links: [], ...o });

beforeEach(async () => {
  script = {};
  verification = null;
  const scripted = (b: ChatRequestBody) => scriptedAgents(script)(b, undefined as never);
  server = await OpenAiTestServer.start({
    handler: (b) => (b.response_format?.json_schema?.name === 'verification' && verification ? { json: verification } : scripted(b)),
  });
  vault = tempVault(EXAMPLE_VAULT);
  writeFileSync(path.join(vault.dir, NOTE), TEXT);
});
afterEach(async () => {
  await server.close();
  vault.cleanup();
});

const env = (extra: Record<string, string> = {}) => ({ OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model', ...extra });
const read = (rel: string) => readFileSync(path.join(vault.dir, rel), 'utf8');
const verifierCalls = () => server.chatRequests.filter((r) => r.body?.response_format?.json_schema?.name === 'verification');

async function task(text: string, extra: Record<string, string> = {}) {
  const r = await runCli(['run', vault.dir, 'Static site builds', '--task', text, '--note', NOTE, '--json'], env(extra));
  expect(r.stderr).not.toContain('groundwork:');
  return JSON.parse(r.stdout) as { mode: string; outcome: string; proposalPath?: string; reasons: string[] };
}

describe('the verifier of an automatic change (CLI run, automate domain)', () => {
  it('refuses a change that deletes an unrelated section: by code, before any model is asked; the note is untouched', async () => {
    // Replacing "Summary" would also sweep away its subsection "Rollback plan", which nobody asked about.
    script.actorOptions = [option({})];
    const out = await task('Rewrite the summary in one sentence');
    expect(out).toMatchObject({ mode: 'automate', outcome: 'proposal' });
    expect(out.reasons.join('\n')).toContain('sections kept (failed): removes 2 of 2 lines of "Rollback plan"');
    expect(read(NOTE)).toBe(TEXT);
    expect(verifierCalls()).toHaveLength(0);
    expect(read(out.proposalPath!)).toContain('The verifier did not pass this change');
  });

  it('refuses a change that adds a URL nobody gave, and one on a heading the note does not have', () => {
    const base = { task: 'Add a deploy tip', notePath: NOTE, before: TEXT, distillate: null };
    const url = codeChecks({ ...base, kind: 'append-section', after: `${TEXT}\n## Tip\n\nSee https://evil.example/x for more.\n` });
    expect(url.find((c) => c.check === 'new URLs')).toMatchObject({ result: 'fail', evidence: expect.stringContaining('https://evil.example/x') });
    const given = codeChecks({ ...base, task: 'Link https://evil.example/x', kind: 'append-section', after: `${TEXT}\n## Tip\n\nSee https://evil.example/x.\n` });
    expect(given.every((c) => c.result === 'pass')).toBe(true);
    const ghost = codeChecks({ ...base, kind: 'replace-section', heading: 'Deploy', after: TEXT });
    expect(ghost.find((c) => c.check === 'heading exists')).toMatchObject({ result: 'fail' });
    const wipe = codeChecks({ ...base, kind: 'replace-note', after: '---\ndomain: "[[Static site builds]]"\n---\n# Release notes\n' });
    expect(wipe.filter((c) => c.result === 'fail').map((c) => c.check)).toEqual(['sections kept', 'share removed']);
  });

  it('a change inside its own section reaches the model, which sees the diff, the distillate and every named check', async () => {
    writeFileSync(path.join(vault.dir, NOTE), TEXT.replace('### Rollback plan\n\nIf the deploy breaks, revert the merge commit.\n\n', ''));
    script.actorOptions = [option({})];
    const out = await task('Rewrite the summary in one sentence');
    expect(out).toMatchObject({ outcome: 'applied' });
    expect(read(NOTE)).toContain('The blog ships on every push to main.');
    const [call] = verifierCalls();
    const user = call!.body!.messages[1]!.content;
    expect(user).toContain('- Old summary.');
    expect(user).toContain('+ The blog ships on every push to main.');
    expect(user).toMatch(/UNTRUSTED DISTILLATE/);
    for (const check of ['does_the_task', 'removes_unrequested_text', 'adds_unsupported_claim', 'contradicts_distillate', 'adds_link_or_url']) expect(user).toContain(check);
    // Evidence before the answer in every check of the schema sent.
    const schema = call!.body!.response_format!.json_schema!.schema as { properties: Record<string, { properties: Record<string, unknown> }> };
    expect(Object.keys(schema.properties.does_the_task!.properties)).toEqual(['evidence', 'answer']);
    expect(typeof call!.body!.max_tokens).toBe('number');
  });

  it('"unsure" fails: one unsure answer turns the change into a proposal, with the evidence as the reason', async () => {
    writeFileSync(path.join(vault.dir, NOTE), TEXT.replace('### Rollback plan\n\nIf the deploy breaks, revert the merge commit.\n\n', ''));
    const before = read(NOTE);
    script.actorOptions = [option({})];
    const yes = { evidence: 'It does.', answer: 'yes' };
    const no = { evidence: 'It does not.', answer: 'no' };
    verification = { does_the_task: yes, removes_unrequested_text: no, adds_unsupported_claim: { evidence: 'Is "every push" in the distillate?', answer: 'unsure' }, contradicts_distillate: no, adds_link_or_url: no };
    const out = await task('Rewrite the summary in one sentence');
    expect(out).toMatchObject({ outcome: 'proposal', reasons: ['adds_unsupported_claim (unsure, which fails): Is "every push" in the distillate?'] });
    expect(read(NOTE)).toBe(before);
  });

  it('the verdict is computed from the answers: a passing answer on every check, and only then', () => {
    const yes = { evidence: 'e', answer: 'yes' as const };
    const no = { evidence: 'e', answer: 'no' as const };
    const all = { does_the_task: yes, removes_unrequested_text: no, adds_unsupported_claim: no, contradicts_distillate: no, adds_link_or_url: no };
    expect(judgeAnswers(all, true).every((c) => c.result === 'pass')).toBe(true);
    // Polarity is per question: "yes, it adds a link" fails, as does "no, it does not do the task".
    expect(judgeAnswers({ ...all, adds_link_or_url: yes }, true).find((c) => c.result !== 'pass')?.check).toBe('adds_link_or_url');
    expect(judgeAnswers({ ...all, does_the_task: no }, true).find((c) => c.result !== 'pass')?.check).toBe('does_the_task');
    // Without a distillate there is nothing to contradict.
    expect(judgeAnswers({ ...all, contradicts_distillate: { evidence: '', answer: 'unsure' } }, false).every((c) => c.result === 'pass')).toBe(true);
  });

  it('the critic and the verifier can run on another model (GROUNDWORK_CHECKER_MODEL)', async () => {
    writeFileSync(path.join(vault.dir, NOTE), TEXT.replace('### Rollback plan\n\nIf the deploy breaks, revert the merge commit.\n\n', ''));
    script.actorOptions = [option({})];
    await task('Rewrite the summary in one sentence', { GROUNDWORK_CHECKER_MODEL: 'checker-model' });
    expect(verifierCalls().map((r) => r.body!.model)).toEqual(['checker-model']);
    expect(server.chatRequests.filter((r) => r.body?.response_format?.json_schema?.name === 'action').map((r) => r.body!.model)).toEqual(['test-model']);
  });
});
