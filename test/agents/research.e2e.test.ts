import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { EXAMPLE_VAULT, snapshot, tempVault } from '../support/temp-vault';
import { runCli } from '../support/run-cli';
import { parseNote } from '../../src/core/frontmatter';
import { extractLinks, LinkResolver } from '../../src/core/links';

let server: OpenAiTestServer;
let web: http.Server;
let webUrl: string;
let vault: { dir: string; cleanup: () => void };
const webRequests: http.IncomingHttpHeaders[] = [];

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents(), requireKey: 'sk-test-key' });
  web = http.createServer((req, res) => {
    webRequests.push(req.headers);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><head><title>LoRA explained</title><script>alert(1)</script></head><body><article><h1>LoRA explained</h1><p>Low-rank adapters train a small number of parameters while the base model stays frozen.</p><p>Rank and alpha set how much the adapter can change.</p></article></body></html>');
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/lora`;
  vault = tempVault(EXAMPLE_VAULT);
  webRequests.length = 0;
});

afterEach(async () => {
  await server.close();
  await new Promise<void>((r) => web.close(() => r()));
  vault.cleanup();
});

const env = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test-key', GROUNDWORK_MODEL: 'test-model' });

function allLinksResolve(dir: string, notePaths: string[]): string[] {
  const all = [...snapshot(dir).keys()].filter((p) => !p.startsWith('.obsidian/'));
  const r = new LinkResolver();
  for (const p of all) r.add(p);
  const broken: string[] = [];
  for (const p of notePaths) {
    const parsed = parseNote(readFileSync(path.join(dir, p), 'utf8'));
    for (const l of extractLinks(parsed.body, parsed.frontmatter)) {
      if (!r.resolve(l, p) && !all.includes(l)) broken.push(`${p} → ${l}`);
    }
  }
  return broken;
}

describe('research cycle end to end (CLI, real openai client, loopback server)', () => {
  it('writes sources, distillate, critique and skeleton as linked notes; every other note stays byte-identical', async () => {
    const before = snapshot(vault.dir);
    const r = await runCli(['research', vault.dir, 'LoRA fine-tuning', '--url', webUrl, '--allow-host', '127.0.0.1', '--json'], env());
    expect(r.stderr).not.toMatch(/failed/i);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { sources: { id: string; kind: string; ref: string; reason: string; error?: string }[]; written: { path: string; outcome: string }[]; usage: { calls: number } };
    const refs = result.sources.map((s) => s.ref);
    expect(refs).toEqual(expect.arrayContaining(['LoRA fine-tuning.md', 'Notes/Adapter rank experiments.md', 'Notes/Support ticket dataset.md', webUrl]));
    expect(result.sources.map((s) => s.id)).toEqual(result.sources.map((_, i) => `S${i + 1}`));
    expect(result.written.map((w) => [w.path, w.outcome])).toEqual([
      ['Groundwork/LoRA fine-tuning/LoRA fine-tuning sources.md', 'created'],
      ['Groundwork/LoRA fine-tuning/LoRA fine-tuning distillate.md', 'created'],
      ['Groundwork/LoRA fine-tuning/LoRA fine-tuning critique.md', 'created'],
    ]);

    const sk = await runCli(['skeleton', vault.dir, 'LoRA fine-tuning'], env());
    expect(sk.code).toBe(0);

    const after = snapshot(vault.dir);
    const changed = [...before.keys()].filter((k) => !after.get(k)!.equals(before.get(k)!));
    expect(changed).toEqual(['LoRA fine-tuning.md']);
    // The domain note only gained lines at its end.
    const domainBefore = before.get('LoRA fine-tuning.md')!.toString();
    const domainAfter = after.get('LoRA fine-tuning.md')!.toString();
    expect(domainAfter.startsWith(domainBefore)).toBe(true);
    expect(domainAfter.slice(domainBefore.length)).toContain('[[Groundwork/LoRA fine-tuning/LoRA fine-tuning distillate|Distillate]]');

    const gen = [...after.keys()].filter((k) => k.startsWith('Groundwork/LoRA fine-tuning/'));
    expect(gen.sort()).toEqual([
      'Groundwork/LoRA fine-tuning/LoRA fine-tuning critique.md',
      'Groundwork/LoRA fine-tuning/LoRA fine-tuning distillate.md',
      'Groundwork/LoRA fine-tuning/LoRA fine-tuning skeleton.canvas',
      'Groundwork/LoRA fine-tuning/LoRA fine-tuning skeleton.md',
      'Groundwork/LoRA fine-tuning/LoRA fine-tuning sources.md',
    ]);
    for (const p of gen.filter((g) => g.endsWith('.md'))) {
      const { frontmatter, problems } = parseNote(after.get(p)!.toString());
      expect(problems).toEqual([]);
      expect(frontmatter).toMatchObject({ domain: '[[LoRA fine-tuning]]', confidence: 'low', model: 'test-model' });
      expect(typeof frontmatter!.generated).toBe('string');
      expect(typeof frontmatter!.tokens).toBe('number');
      expect(frontmatter!.sources).toBeDefined();
    }
    expect(allLinksResolve(vault.dir, [...gen.filter((g) => g.endsWith('.md')), 'LoRA fine-tuning.md'])).toEqual([]);

    const sources = after.get('Groundwork/LoRA fine-tuning/LoRA fine-tuning sources.md')!.toString();
    expect(sources).toContain('LoRA explained');
    expect(sources).not.toContain('<script');
    const distillate = after.get('Groundwork/LoRA fine-tuning/LoRA fine-tuning distillate.md')!.toString();
    expect(sources).toMatch(/^- \*\*Quotes verified:\*\* 1 of 1$/m);
    expect(sources).toMatch(/ — “.+” \^s1-1$/m);
    // One distillate: the YAML once, real links to the domain, sources and critique, no second readable copy.
    expect(distillate.match(/```groundwork-distillate\n/g)).toHaveLength(1);
    expect(distillate).not.toContain('```yaml');
    expect(distillate).not.toMatch(/^## Summary/m);
    expect(distillate).toContain('[[Groundwork/LoRA fine-tuning/LoRA fine-tuning sources|its sources]]');
    expect(distillate).toContain('[[Groundwork/LoRA fine-tuning/LoRA fine-tuning critique|its critique]]');
    expect(distillate).toMatch(/^ {8}point: S1\.1$/m);
    expect(parseNote(distillate).frontmatter).toMatchObject({ 'quotes-verified': 1, 'claims-grounded': 1 });
    const critique = after.get('Groundwork/LoRA fine-tuning/LoRA fine-tuning critique.md')!.toString();
    expect(critique).toMatch(/^- \[ \] \*\*weak-spot\*\*/m);
    const canvas = JSON.parse(after.get('Groundwork/LoRA fine-tuning/LoRA fine-tuning skeleton.canvas')!.toString()) as { nodes: { id: string }[]; edges: { fromNode: string; toNode: string }[] };
    expect(canvas.nodes.length).toBe(1 + 3 + 4);
    const ids = new Set(canvas.nodes.map((n) => n.id));
    expect(canvas.edges.every((e) => ids.has(e.fromNode) && ids.has(e.toNode))).toBe(true);

    // The page was fetched without the model key.
    expect(webRequests.length).toBe(1);
    expect(JSON.stringify(webRequests[0])).not.toContain('sk-test-key');

    const map = JSON.parse((await runCli(['map', vault.dir, '--json'])).stdout) as { domains: { name: string; stage: string }[] };
    expect(map.domains.find((d) => d.name === 'LoRA fine-tuning')!.stage).toBe('mapped');
  });

  it('a second run on unchanged sources makes no digest call', async () => {
    expect((await runCli(['research', vault.dir, 'LoRA fine-tuning'], env())).code).toBe(0);
    const digestCalls = () => server.chatRequests.filter((q) => q.body?.response_format?.json_schema?.name === 'source_digest').length;
    const first = digestCalls();
    expect(first).toBeGreaterThan(2);
    const second = await runCli(['research', vault.dir, 'LoRA fine-tuning', '--no-cache'], env());
    expect(second.code).toBe(0);
    expect(digestCalls()).toBe(first);
  });

  it('a re-run never overwrites a note the person edited: it writes a proposal instead', async () => {
    expect((await runCli(['research', vault.dir, 'LoRA fine-tuning'], env())).code).toBe(0);
    const distPath = path.join(vault.dir, 'Groundwork/LoRA fine-tuning/LoRA fine-tuning distillate.md');
    const edited = readFileSync(distPath, 'utf8').replace('confidence: low', 'confidence: medium') + '\nMy own correction.\n';
    writeFileSync(distPath, edited);
    const again = await runCli(['research', vault.dir, 'LoRA fine-tuning', '--json', '--no-cache'], env());
    expect(again.code).toBe(0);
    const written = (JSON.parse(again.stdout) as { written: { path: string; outcome: string; proposalPath?: string }[] }).written;
    const dist = written.find((w) => w.path.endsWith('distillate.md'))!;
    expect(dist.outcome).toBe('proposal');
    expect(readFileSync(distPath, 'utf8')).toBe(edited);
    const proposal = readFileSync(path.join(vault.dir, dist.proposalPath!), 'utf8');
    expect(parseNote(proposal).frontmatter).toMatchObject({ groundwork: 'proposal', status: 'pending', target: '[[Groundwork/LoRA fine-tuning/LoRA fine-tuning distillate]]' });
    // Unedited generated notes are simply replaced.
    expect(written.find((w) => w.path.endsWith('sources.md'))!.outcome).toMatch(/replaced|unchanged/);
  });

  it('research on a plain note adopts it as a domain without changing its text', async () => {
    const before = readFileSync(path.join(vault.dir, 'Notes/Reading inbox.md'), 'utf8');
    const r = await runCli(['research', vault.dir, 'Notes/Reading inbox.md'], env());
    expect(r.code).toBe(0);
    const after = readFileSync(path.join(vault.dir, 'Notes/Reading inbox.md'), 'utf8');
    expect(parseNote(after).frontmatter).toEqual({ groundwork: 'domain', confidence: 'low' });
    expect(after.endsWith('\n## Groundwork\n\n- [[Groundwork/Reading inbox/Reading inbox sources|Sources]]\n- [[Groundwork/Reading inbox/Reading inbox distillate|Distillate]]\n- [[Groundwork/Reading inbox/Reading inbox critique|Critique]]\n')).toBe(true);
    expect(after).toContain(before);
  });

  it('--dry-run lists the sources and the planned calls, calls no model and writes nothing', async () => {
    const before = snapshot(vault.dir);
    const r = await runCli(['research', vault.dir, 'Kubernetes', '--dry-run'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Planned: \d+ model calls/);
    expect(r.stdout).toContain('Projects/Staging cluster runbook.md');
    // Each source with why it was picked and its ranking score.
    expect(r.stdout).toMatch(/S1 {2}Kubernetes\.md {2}\[domain note, score 1\.00\]/);
    expect(r.stdout).toMatch(/Projects\/Staging cluster runbook\.md {2}\[member, score [01]\.\d\d\]/);
    // The example vault has fewer notes on the domain than the 10 slots: the run says why, and what to do.
    const listed = r.stdout.split('\n').filter((l) => /^ {2}S\d+ {2}/.test(l)).length;
    expect(listed).toBeLessThan(10);
    expect(r.stdout).toContain(`${listed} of 10 sources: no other note is linked closely enough or says enough about the domain. Name pages with --url`);
    expect(server.requests.length).toBe(0);
    // Nothing in the vault changed; only the full-text index, a cache, was saved in the data folder (DESIGN §5).
    const index = '.obsidian/plugins/groundwork/index/';
    const after = snapshot(vault.dir);
    expect(after.has(`${index}fulltext.jsonl`)).toBe(true);
    for (const name of [...after.keys()]) if (name.startsWith(index)) after.delete(name);
    expect(after).toEqual(before);
  });

  it('the per-source context budget (GROUNDWORK_SOURCE_CHARS) cuts long sources and the planned tokens', async () => {
    writeFileSync(path.join(vault.dir, 'Projects/Long design doc.md'), `---\ndomain: "[[Kubernetes]]"\n---\n# Long design doc\n\n${'The cluster runs many services. '.repeat(1500)}\n`);
    const tokens = async (env: Record<string, string>) => {
      const r = await runCli(['research', vault.dir, 'Kubernetes', '--dry-run', '--json'], env);
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as { plan: { estimatedTokens: number } }).plan.estimatedTokens;
    };
    const full = await tokens({});
    const budget = await tokens({ GROUNDWORK_SOURCE_CHARS: '2000' });
    // 20,000 characters by default, 2,000 here: about 4,500 fewer prompt tokens for that one note.
    expect(budget).toBeLessThan(full - 4000);
    const bad = await runCli(['research', vault.dir, 'Kubernetes', '--dry-run'], { GROUNDWORK_SOURCE_CHARS: 'lots' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('GROUNDWORK_SOURCE_CHARS must be a whole number');
  });

  it('without a model server configured, research says how to set one and exits 1', async () => {
    const r = await runCli(['research', vault.dir, 'Kubernetes'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^groundwork: No model server set: pass --base-url or set OPENAI_BASE_URL/);
    expect(existsSync(path.join(vault.dir, 'Groundwork/Kubernetes'))).toBe(false);
  });

  it('an unknown domain is one clear line', async () => {
    const r = await runCli(['research', vault.dir, 'Nope'], env());
    expect(r).toMatchObject({ code: 1, stderr: 'groundwork: No note named "Nope" in the vault; give a domain\'s name or its note\'s path\n' });
  });
});
