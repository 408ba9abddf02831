import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { tempVault } from '../support/temp-vault';
import { runCli } from '../support/run-cli';

/** `include` rules end to end through the CLI on a real folder: the map, `check`, the Gate's scope. */

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };

const write = (rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(vault.dir, rel)), { recursive: true });
  writeFileSync(path.join(vault.dir, rel), text);
};
const read = (rel: string) => readFileSync(path.join(vault.dir, rel), 'utf8');
const env = () => ({ OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model' });

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: (body, req) => scriptedAgents({})(body, req) });
  vault = tempVault();
  write('Bases.md', '---\ngroundwork: domain\nconfidence: medium\ninclude: ["Bases/", "#bases"]\n---\n# Bases\n\nViews over notes.\n');
  write('Bases/Introduction to Bases.md', '# Introduction\n\nWhat a base is.\n');
  write('Bases/Functions/Date functions.md', '# Dates\n\nnow() and today().\n');
  write('Elsewhere/Tagged.md', '---\ntags: [bases/formulas]\n---\nFormulas.\n');
  write('Elsewhere/Linked.md', '---\ndomain: "[[Bases]]"\n---\nLinked by hand.\n');
  write('Other/Unrelated.md', '# Gardening\n\nTomatoes.\n');
});
afterEach(async () => {
  await server.close();
  vault.cleanup();
});

describe('include rules through the CLI', () => {
  it('map --json counts linked and included members apart, notes being their total', async () => {
    const r = await runCli(['map', vault.dir, '--json']);
    expect(r.code).toBe(0);
    const d = (JSON.parse(r.stdout) as { domains: Record<string, unknown>[] }).domains[0]!;
    expect(d).toMatchObject({ name: 'Bases', notes: 4, linked: 1, included: 3 });
    const text = await runCli(['map', vault.dir]);
    expect(text.stdout).toMatch(/Bases\s+assist\s+medium.*4 \(3 by rule\)/);
  });

  it('check names the file of an invalid rule, and the valid rules still apply', async () => {
    write('Bases.md', '---\ngroundwork: domain\nconfidence: medium\ninclude: ["Bases/", "bases"]\n---\n# Bases\n');
    const r = await runCli(['check', vault.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Bases.md: include: "bases" is neither a folder (ending in "/", like "Notes/ML/") nor a tag (starting with "#", like "#lora")\n');
    const map = JSON.parse((await runCli(['map', vault.dir, '--json'])).stdout) as { domains: { notes: number; included: number }[] };
    expect(map.domains[0]).toMatchObject({ notes: 3, included: 2 });
  });

  it('the Gate accepts a task on a note included by folder or tag, and refuses one in another folder', async () => {
    for (const note of ['Bases/Introduction to Bases.md', 'Elsewhere/Tagged.md']) {
      const r = await runCli(['run', vault.dir, 'Bases', '--task', 'Add an example', '--note', note, '--json'], env());
      expect(r.stderr).not.toContain('Refused');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'assist', outcome: 'proposal' });
    }
    const before = read('Other/Unrelated.md');
    const refused = await runCli(['run', vault.dir, 'Bases', '--task', 'Add an example', '--note', 'Other/Unrelated.md'], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'groundwork: Refused: a task in Bases may only change that domain\'s notes, and Other/Unrelated.md is not one (it belongs to no domain; to bring it in, give it domain: "[[Bases]]" or put include: ["Other/"] on Bases)\n',
    );
    expect(read('Other/Unrelated.md')).toBe(before);
  });
});
