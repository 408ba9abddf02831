/**
 * A hostile model server, end to end through the CLI: control characters (NUL, ANSI escapes, a
 * lone surrogate) in its answers, and the API key (whole or a prefix) echoed back. Nothing of it
 * may land in a file; an applied change stays undoable byte for byte.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents, type ScriptOptions } from '../support/scripted-agents';
import { EXAMPLE_VAULT, snapshot, tempVault } from '../support/temp-vault';
import { runCli } from '../support/run-cli';
import { bytesLost, expectSoundOutput, personFiles } from './helpers';

const KEY = 'sk-proj-ECHOED-5ecret-0123456789abcdef';
const NASTY = 'A\u0000B \u001b[31mred\u001b[0m \u001b]0;owned\u0007 lone \ud800 C1 \u0085 end\r\n';

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
let script: ScriptOptions;

beforeEach(async () => {
  script = {};
  server = await OpenAiTestServer.start({ handler: (body, req) => scriptedAgents(script)(body, req) });
  vault = tempVault(EXAMPLE_VAULT);
});
afterEach(async () => {
  await server.close();
  vault.cleanup();
});

const env = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: KEY, GROUNDWORK_MODEL: 'test-model' });

// eslint-disable-next-line no-control-regex -- control characters are what this matches
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])/;

/** Files anywhere in the vault that hold the key or a prefix of 8 or more characters of it. */
function filesWithKeyPrefix(): string[] {
  return [...snapshot(vault.dir)].filter(([, v]) => v.toString('utf8').includes(KEY.slice(0, 8))).map(([k]) => k);
}

describe('control characters from the model', () => {
  it('research: no generated note, digest or cache entry holds a control character', async () => {
    script.inject = NASTY;
    const r = await runCli(['research', vault.dir, 'Kubernetes'], env());
    expect(r.code, r.stderr).toBe(0);
    const generated = [...snapshot(vault.dir)].filter(([k]) => k.startsWith('Groundwork/Kubernetes/'));
    expect(generated.length).toBeGreaterThan(0);
    for (const [k, v] of generated) expect(CONTROL.test(v.toString('utf8')), k).toBe(false);
    expectSoundOutput(vault.dir);
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
  });

  it('an automated change with control characters: the note stays a text note of its domain, and undo restores it byte for byte', async () => {
    const note = 'Notes/Blog deploy checklist.md';
    const before = personFiles(vault.dir);
    script.actorOptions = [{ title: 'Add', rationale: 'r', kind: 'append-section', heading: `Rollback ${NASTY}`, noteName: '', content: `Steps: ${NASTY}`, links: [] }];
    const run = await runCli(['run', vault.dir, 'Static site builds', '--task', 'Add a rollback step', '--note', note, '--json'], env());
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'applied' });
    const text = readFileSync(path.join(vault.dir, note), 'utf8');
    expect(text).toContain('Steps: AB red  lone \ufffd C1  end');
    expect(CONTROL.test(text)).toBe(false);
    const map = JSON.parse((await runCli(['map', vault.dir, '--json'])).stdout) as { domains: { name: string; notes: number }[]; problems: { path: string }[] };
    expect(map.problems.map((p) => p.path)).not.toContain(note);
    expect(map.domains.find((d) => d.name === 'Static site builds')?.notes).toBe(1);

    const undo = await runCli(['undo', vault.dir], env());
    expect(undo.code, undo.stderr).toBe(0);
    expect(bytesLost(before, personFiles(vault.dir))).toBe(0);
  });
});

describe('the API key echoed by the model server', () => {
  it('whole and as prefixes, in digests, distillate, critique, skeleton and a task: no file and no output holds 8 characters of it', async () => {
    script.inject = `My key is ${KEY}; its start is ${KEY.slice(0, 8)} and ${KEY.slice(0, 15)}…`;
    script.actorOptions = [{ title: `Use ${KEY}`, rationale: KEY.slice(0, 10), kind: 'append-section', heading: 'Key', noteName: '', content: `key: ${KEY}`, links: [] }];
    const outputs = [
      await runCli(['research', vault.dir, 'LoRA fine-tuning'], env()),
      await runCli(['skeleton', vault.dir, 'LoRA fine-tuning'], env()),
      await runCli(['run', vault.dir, 'Static site builds', '--task', 'Add a rollback step', '--note', 'Notes/Blog deploy checklist.md'], env()),
      await runCli(['run', vault.dir, 'LoRA fine-tuning', '--task', 'Summarize', '--note', 'Notes/Adapter rank experiments.md'], env()),
    ];
    expect(outputs.map((o) => o.code)).toEqual([0, 0, 0, 0]);
    const files = [...snapshot(vault.dir).keys()];
    expect(files.some((f) => f.startsWith('.obsidian/plugins/groundwork/cache/'))).toBe(true);
    expect(filesWithKeyPrefix()).toEqual([]);
    for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(KEY.slice(0, 8));
    expect(readFileSync(path.join(vault.dir, 'Notes/Blog deploy checklist.md'), 'utf8')).toContain('key: [API key]');
  });
});
