import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';
import { runBin, runCli } from '../support/run-cli';
import { COMMANDS } from '../../src/cli/main';
import { parseNote } from '../../src/core/frontmatter';

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents() });
  vault = tempVault(EXAMPLE_VAULT);
});
afterEach(async () => {
  await server.close();
  vault.cleanup();
});

const env = () => ({ OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model' });
const file = (rel: string) => path.join(vault.dir, rel);
const read = (rel: string) => readFileSync(file(rel), 'utf8');

describe('help and version', () => {
  it('every command answers --help with its usage and an example, exit 0, and runs nothing', async () => {
    expect(COMMANDS.length).toBeGreaterThanOrEqual(11);
    for (const c of COMMANDS) {
      const r = await runCli([c.name, '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.stdout).toContain(`Usage: groundwork ${c.name} `);
      expect(r.stdout).toMatch(/Example:\n {2}groundwork /);
      expect(r.stderr).toBe('');
    }
    // Also after other arguments, and through "help <command>".
    expect((await runCli(['signoff', vault.dir, 'Kubernetes', '--help'])).stdout).toContain('Usage: groundwork signoff <vault> <domain> [--yes]');
    expect((await runCli(['help', 'inbox'])).stdout).toContain('Usage: groundwork inbox <vault>');
    const all = await runCli(['--help']);
    expect(all.code).toBe(0);
    for (const c of COMMANDS) expect(all.stdout).toContain(`groundwork ${c.usage}`);
  });

  it('--version prints the package version; a bad call shows that command\'s usage, exit 2', async () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
    const bin = runBin(['--version']);
    expect(bin.code).toBe(0);
    expect(bin.stdout.trim()).toBe(`groundwork ${pkg.version}`);
    const bad = await runCli(['accept', vault.dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: groundwork accept <vault> <proposal> [--option N]');
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });
});

describe('progress counters add up', () => {
  it('a research run never shows 0/N or a count past its total, and the digests end at N/N', async () => {
    const r = await runCli(['research', vault.dir, 'LoRA fine-tuning', '--max-sources', '4'], env());
    expect(r.code).toBe(0);
    const counters = [...r.stderr.matchAll(/^\[(\w+) (\d+)(?:\/(\d+))?\]/gm)].map((m) => ({ stage: m[1]!, done: Number(m[2]), total: m[3] === undefined ? null : Number(m[3]) }));
    expect(counters.length).toBeGreaterThan(0);
    for (const c of counters) {
      expect(c.done).toBeGreaterThanOrEqual(1);
      if (c.total !== null) expect(c.done).toBeLessThanOrEqual(c.total);
    }
    expect(r.stderr).not.toMatch(/\[\w+ 0\//);
    const digests = counters.filter((c) => c.stage === 'digest');
    expect(digests.length).toBeGreaterThan(0);
    const last = digests[digests.length - 1]!;
    if (last.total !== null) expect(last.done).toBe(last.total);
  });
});

describe('sign-off in the terminal says what it writes', () => {
  it('prints the summary with S-ids (no raw wikilinks), then the exact writes, before any --yes', async () => {
    expect((await runCli(['research', vault.dir, 'Kubernetes'], env())).code).toBe(0);
    expect((await runCli(['skeleton', vault.dir, 'Kubernetes'], env())).code).toBe(0);
    const dist = 'Groundwork/Kubernetes/Kubernetes distillate.md';
    writeFileSync(file(dist), read(dist).replace('confidence: low', 'confidence: high'));
    const crit = 'Groundwork/Kubernetes/Kubernetes critique.md';
    writeFileSync(file(crit), read(crit).replace(/- \[ \] /g, '- [x] '));
    const skel = 'Groundwork/Kubernetes/Kubernetes skeleton.md';
    writeFileSync(file(skel), read(skel).replace('confidence: low', 'confidence: medium'));

    // The real bin, stdin closed without an answer: it shows everything, then signs nothing.
    const asked = runBin(['signoff', vault.dir, 'Kubernetes'], env());
    expect(asked.code).toBe(1);
    expect(asked.stdout).not.toContain('[[');
    expect(asked.stdout).toContain('Signing writes in Kubernetes.md:');
    expect(asked.stdout).toContain('  confidence: medium → high');
    expect(asked.stdout).toMatch(/ {2}signed-off: \(unset\) → \d{4}-\d\d-\d\d/);
    expect(asked.stdout).toMatch(/ {2}signed-off-distillate: \(unset\) → sha256:[0-9a-f]{12}/);
    expect(parseNote(read('Kubernetes.md')).frontmatter!['signed-off']).toBeUndefined();
  });
});

describe('the inbox in the terminal', () => {
  it('short ids, note and created, newest first; a re-run of the same task supersedes the older proposal', async () => {
    const run = (task: string) => runCli(['run', vault.dir, 'LoRA fine-tuning', '--task', task, '--note', 'Notes/Adapter rank experiments.md', '--json'], env());
    const first = JSON.parse((await run('Summarize')).stdout) as { proposalPath: string };
    const other = JSON.parse((await run('List the ranks')).stdout) as { proposalPath: string };
    const again = JSON.parse((await run('Summarize')).stdout) as { proposalPath: string };
    const all = JSON.parse((await runCli(['inbox', vault.dir, '--json'])).stdout) as { id: string; path: string; status: string; note: string | null; created: string }[];
    expect(all.map((i) => i.path)).toEqual([again.proposalPath, other.proposalPath, first.proposalPath]);
    expect(all.map((i) => i.status)).toEqual(['pending', 'pending', 'superseded']);
    for (const i of all) {
      expect(i.id).toMatch(/^[0-9a-f]{8}$/);
      expect(i.note).toBe('Notes/Adapter rank experiments.md');
    }
    expect([...all].sort((a, b) => b.created.localeCompare(a.created)).map((i) => i.path)).toEqual(all.map((i) => i.path));
    // The superseded one is kept on disk, and cannot be accepted any more.
    expect(parseNote(read(first.proposalPath)).frontmatter!.status).toBe('superseded');
    expect((await runCli(['accept', vault.dir, all[2]!.id, '--option', '1'])).stderr).toContain('is superseded, not pending');
    const text = (await runCli(['inbox', vault.dir])).stdout;
    expect(text).toContain(all[0]!.id);
    expect(text).not.toContain(all[2]!.id);
    expect((await runCli(['reject', vault.dir, all[0]!.id.slice(0, 5)])).code).toBe(0);
  });
});
