/**
 * Two domain notes with one name (`Work/CUDA.md`, `Home/CUDA.md`; `C#`, `C:`) each get their own
 * generated folder, and a generated note is used only by the domain it was made for: a folder
 * two domains shared before (one's research over the other's) is never signed off, critiqued
 * or acted on for the wrong domain.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { tempVault } from '../support/temp-vault';
import { runCli } from '../support/run-cli';
import { parseNote } from '../../src/core/frontmatter';

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents() });
  vault = tempVault();
});
afterEach(async () => {
  await server.close();
  vault.cleanup();
});

const env = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-folders', GROUNDWORK_MODEL: 'test-model' });
const file = (rel: string) => path.join(vault.dir, ...rel.split('/'));
function put(rel: string, text: string): void {
  mkdirSync(path.dirname(file(rel)), { recursive: true });
  writeFileSync(file(rel), text);
}
const read = (rel: string) => readFileSync(file(rel), 'utf8');
const domainOf = (rel: string) => parseNote(read(rel)).frontmatter?.domain;

function domainNote(rel: string, body: string): void {
  put(rel, `---\ngroundwork: domain\nconfidence: low\n---\n# ${path.basename(rel, '.md')}\n\n${body}\n`);
}

describe('one generated folder per domain note', () => {
  it('Work/CUDA.md and Home/CUDA.md: each research writes its own folder; neither replaces the other', async () => {
    domainNote('Work/CUDA.md', 'Kernels on the lab cluster: occupancy, shared memory and warp divergence.');
    domainNote('Home/CUDA.md', 'Gaming GPU at home: driver versions and the toolkit install.');
    const work = await runCli(['research', vault.dir, 'Work/CUDA.md', '--json'], env());
    expect(work.code, work.stderr).toBe(0);
    const workWritten = (JSON.parse(work.stdout) as { written: { path: string }[] }).written.map((w) => w.path);
    expect(workWritten).toEqual(['sources', 'distillate', 'critique'].map((k) => `Groundwork/CUDA (Work)/CUDA (Work) ${k}.md`));
    const workDistillate = read('Groundwork/CUDA (Work)/CUDA (Work) distillate.md');

    const home = await runCli(['research', vault.dir, 'Home/CUDA.md', '--json'], env());
    expect(home.code, home.stderr).toBe(0);
    const homeWritten = (JSON.parse(home.stdout) as { written: { path: string; outcome: string }[] }).written;
    expect(homeWritten.map((w) => w.path)).toEqual(['sources', 'distillate', 'critique'].map((k) => `Groundwork/CUDA/CUDA ${k}.md`));

    // Work's research is intact, and each generated note names its own domain note by path.
    expect(read('Groundwork/CUDA (Work)/CUDA (Work) distillate.md')).toBe(workDistillate);
    for (const k of ['sources', 'distillate', 'critique']) {
      expect(domainOf(`Groundwork/CUDA (Work)/CUDA (Work) ${k}.md`)).toBe('[[Work/CUDA]]');
      expect(domainOf(`Groundwork/CUDA/CUDA ${k}.md`)).toBe('[[Home/CUDA]]');
    }
    const map = JSON.parse((await runCli(['map', vault.dir, '--json'])).stdout) as { domains: { path: string; stage: string }[]; problems: unknown[] };
    expect(map.problems).toEqual([]);
    expect(map.domains.map((d) => [d.path, d.stage])).toEqual([
      ['Home/CUDA.md', 'critiqued'],
      ['Work/CUDA.md', 'critiqued'],
    ]);
    // A re-run keeps each in its folder (the folder Work's notes are in stays Work's).
    const again = await runCli(['research', vault.dir, 'Work/CUDA.md', '--json'], env());
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { written: { path: string }[] }).written.every((w) => w.path.startsWith('Groundwork/CUDA (Work)/'))).toBe(true);
  });

  it('an existing folder is not moved when a second domain of that name appears', async () => {
    domainNote('Work/CUDA.md', 'Kernels on the lab cluster.');
    const first = await runCli(['research', vault.dir, 'Work/CUDA.md', '--json'], env());
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(file('Groundwork/CUDA/CUDA distillate.md'))).toBe(true);
    // Home/CUDA.md sorts before Work/CUDA.md, but Work's notes already live in Groundwork/CUDA/.
    domainNote('Home/CUDA.md', 'Gaming GPU at home.');
    const home = await runCli(['research', vault.dir, 'Home/CUDA.md', '--json'], env());
    expect(home.code, home.stderr).toBe(0);
    expect((JSON.parse(home.stdout) as { written: { path: string }[] }).written.every((w) => w.path.startsWith('Groundwork/CUDA (Home)/'))).toBe(true);
    expect(domainOf('Groundwork/CUDA/CUDA distillate.md')).toBe('[[Work/CUDA]]');
  });

  it('names equal once made safe (# and :) get two folders', async () => {
    domainNote('Lab/Sprint#3.md', 'The sprint.');
    domainNote('Lab/Sprint:3.md', 'The sprint review.');
    for (const d of ['Lab/Sprint#3.md', 'Lab/Sprint:3.md']) {
      const r = await runCli(['research', vault.dir, d], env());
      expect(r.code, r.stderr).toBe(0);
    }
    expect(domainOf('Groundwork/Sprint 3/Sprint 3 distillate.md')).toBe('[[Lab/Sprint#3]]');
    expect(domainOf('Groundwork/Sprint 3 (Lab)/Sprint 3 (Lab) distillate.md')).toBe('[[Lab/Sprint:3]]');
  });
});

describe('a generated note is used only by the domain it was made for', () => {
  /** The state the shared-folder bug left: Work's sources, then Home's research over the rest, all trusted. */
  function sharedFolder(): void {
    domainNote('Work/CUDA.md', 'Kernels on the lab cluster.');
    domainNote('Home/CUDA.md', 'Gaming GPU at home.');
    put('Work/Occupancy.md', '---\ndomain: "[[Work/CUDA]]"\n---\nOccupancy notes.\n');
    const fm = (role: string, domain: string, extra = '') => `---\ngroundwork: ${role}\ndomain: "[[${domain}]]"\n${extra}---\n`;
    put('Groundwork/CUDA/CUDA sources.md', `${fm('sources', 'Work/CUDA', 'confidence: low\n')}# Sources\n`);
    put('Groundwork/CUDA/CUDA distillate.md', `${fm('distillate', 'Home/CUDA', 'confidence: high\n')}# CUDA distillate\n\n## Summary\n\nInstall the driver for the gaming GPU.\n`);
    put('Groundwork/CUDA/CUDA critique.md', `${fm('critique', 'Home/CUDA', 'confidence: low\nverdict: pass\n')}# Critique\n\n- [x] done\n`);
    put('Groundwork/CUDA/CUDA skeleton.md', `${fm('skeleton', 'Home/CUDA', 'confidence: medium\n')}- CUDA\n  - Install\n    - Driver\n`);
  }

  it('sign-off refuses the other domain’s distillate, and writes nothing', async () => {
    sharedFolder();
    const before = read('Work/CUDA.md');
    const r = await runCli(['signoff', vault.dir, 'Work/CUDA.md', '--yes'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Groundwork/CUDA/CUDA distillate.md was made for Home/CUDA.md, not for Work/CUDA.md');
    expect(read('Work/CUDA.md')).toBe(before);
  });

  it('the critic and the actor refuse it; no model call is made', async () => {
    sharedFolder();
    const critique = await runCli(['critique', vault.dir, 'Work/CUDA.md'], env());
    expect(critique.code).toBe(1);
    expect(critique.stderr).toMatch(/CUDA distillate\.md was made for Home\/CUDA\.md/);
    const run = await runCli(['run', vault.dir, 'Work/CUDA.md', '--task', 'Add a summary', '--note', 'Work/Occupancy.md'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/CUDA distillate\.md was made for Home\/CUDA\.md/);
    expect(server.chatRequests).toHaveLength(0);
  });

  it('the map names the stray note as a problem and does not count it for either domain', async () => {
    sharedFolder();
    const map = JSON.parse((await runCli(['map', vault.dir, '--json'])).stdout) as { domains: { path: string; stage: string }[]; problems: { path: string; message: string }[] };
    const paths = map.problems.map((p) => p.path);
    for (const k of ['distillate', 'critique', 'skeleton']) expect(paths).toContain(`Groundwork/CUDA/CUDA ${k}.md`);
    expect(map.problems.find((p) => p.path === 'Groundwork/CUDA/CUDA distillate.md')!.message).toMatch(/made for Home\/CUDA\.md.*folder of Work\/CUDA\.md/);
    expect(map.domains.map((d) => [d.path, d.stage])).toEqual([
      ['Home/CUDA.md', 'unexplored'],
      ['Work/CUDA.md', 'unexplored'],
    ]);
  });
});
