import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer, type Handler } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { withScriptedModelAndVault } from '../support/scripted-vault';
import { runCli } from '../support/run-cli';
import { parseNote } from '../../src/core/frontmatter';
import { bodyFingerprint } from '../../src/core/fingerprint';

/*
 * Evidence a person can check, end to end through the CLI, the real openai client and a
 * loopback model: quotes verified against their source, claims grounded on verified quotes,
 * code-found issues in the critique before the critic runs, and the one YAML distillate being
 * what the sign-off shows and fingerprints.
 */

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
let script: (handler: Handler) => void;

withScriptedModelAndVault((s, v, swap) => {
  server = s;
  vault = v;
  script = swap;
});

const env = () => ({ OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model' });
const file = (p: string) => path.join(vault.dir, p);
const read = (p: string) => readFileSync(file(p), 'utf8');
const DIR = 'Groundwork/Kubernetes/Kubernetes';
const schemaOf = (b: Parameters<Handler>[0]) => b.response_format?.json_schema?.name;

describe('verified quotes and grounded claims', () => {
  it('an invented digest quote is marked unverified, flagged, and never offered to the distiller', async () => {
    const base = scriptedAgents();
    script((b, r) =>
      schemaOf(b) === 'source_digest'
        ? { json: { summary: 'A source.', keyPoints: [{ point: 'It says something.', quote: 'Kubernetes was designed by a committee of wizards.' }] } }
        : base(b, r));
    expect((await runCli(['research', vault.dir, 'Kubernetes'], env())).code).toBe(0);
    const sources = read(`${DIR} sources.md`);
    expect(sources).toMatch(/“Kubernetes was designed by a committee of wizards\.” \(unverified: not found in the source\) \^s1-1$/m);
    expect(sources).toContain('> [!warning] Most quotes of this digest were not found in its source (0 of 1 verified)');
    const distillerPrompt = server.chatRequests.find((q) => schemaOf(q.body!) === 'distillate')!.body!.messages.map((m) => m.content).join('\n');
    expect(distillerPrompt).not.toContain('wizards');
    expect(distillerPrompt).toContain('[S1.1] It says something. (no verified quote)');
    const fm = parseNote(read(`${DIR} distillate.md`)).frontmatter!;
    expect(fm).toMatchObject({ 'quotes-verified': 0, 'claims-grounded': 0 });
    // Every claim rests on nothing verified: each is an unsupported issue written by code.
    const critique = read(`${DIR} critique.md`);
    expect(critique).toMatch(/^- \[ \] \*\*unsupported\*\*: Concepts: Concept 1 — Ungrounded: /m);
    const map = JSON.parse((await runCli(['map', vault.dir, '--json'])).stdout) as { domains: { name: string; evidence?: { quotesVerified: number | null } }[] };
    expect(map.domains.find((d) => d.name === 'Kubernetes')!.evidence?.quotesVerified).toBe(0);
  });

  it('the distiller may cite only key points with a verified quote: their ids are the enum it decodes with, and code copies the quote in', async () => {
    const base = scriptedAgents();
    // The first source's digest invents its quote; every other quote is the source's own.
    script((b, r) => {
      const user = b.messages.map((m) => m.content).join('\n');
      if (schemaOf(b) === 'source_digest' && /SOURCE S1[ ⟧]/.test(user)) return { json: { summary: 'A source.', keyPoints: [{ quote: 'Kubernetes was designed by wizards.', point: 'It says something.', kind: 'concept' }] } };
      return base(b, r);
    });
    expect((await runCli(['research', vault.dir, 'Kubernetes'], env())).code).toBe(0);
    const digest = server.chatRequests.find((q) => schemaOf(q.body!) === 'source_digest')!.body!.response_format!.json_schema!.schema as { properties: { keyPoints: { items: { properties: Record<string, { enum?: string[] }> } } } };
    expect(digest.properties.keyPoints.items.properties.kind!.enum).toEqual(['concept', 'structure', 'decision', 'pitfall', 'disagreement']);
    // Quote first, then the point it supports, then its kind.
    expect(Object.keys(digest.properties.keyPoints.items.properties)).toEqual(['quote', 'point', 'kind']);
    const req = server.chatRequests.find((q) => schemaOf(q.body!) === 'distillate')!.body!;
    const schema = req.response_format!.json_schema!.schema as { properties: { concepts: { items: { properties: { evidence: { items: { properties: { point: { enum: string[] } } } } } } } } };
    const allowed = schema.properties.concepts.items.properties.evidence.items.properties.point.enum;
    const offered = [...req.messages[1]!.content.matchAll(/\[(S\d+\.\d+)\](?: \([a-z]+\))? .*\(verified quote: /g)].map((m) => m[1]!);
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.sort()).toEqual(offered.sort());
    expect(allowed).not.toContain('S1.1');
    // The YAML carries each cited point with its source and the verified quote code copied in.
    const yaml = read(`${DIR} distillate.md`);
    const cited = [...yaml.matchAll(/- source: (S\d+)\n\s+quote: (.+)\n\s+point: (S\d+\.\d+)/g)].find((m) => m[2] !== '""')!;
    expect(cited[3]!.startsWith(`${cited[1]}.`)).toBe(true);
    expect(read(`${DIR} sources.md`)).toContain(`“${cited[2]!.replace(/^["']|["']$/g, '')}”`);
    expect(parseNote(yaml).frontmatter!['claims-grounded']).toBeGreaterThan(0);
  });

  it("code's issues are in the critique before the critic runs: a failing critic leaves them blocking the sign-off", async () => {
    const base = scriptedAgents({ extraCitation: 'S42' });
    script((b, r) => (schemaOf(b) === 'critique' ? { status: 400, errorMessage: 'the critic is down' } : base(b, r)));
    const r = await runCli(['research', vault.dir, 'Kubernetes'], env());
    expect(r.code).toBe(1);
    const critique = read(`${DIR} critique.md`);
    expect(critique).toMatch(/^- \[ \] \*\*unsupported\*\*: Claims citing S42 — S42 is not one of the sources/m);
    expect(critique).toContain('the critic has not run yet');
    expect(parseNote(critique).frontmatter!.verdict).toBe('revise');
  });

  it('the critic sees the issues code found', async () => {
    script(scriptedAgents({ extraCitation: 'S42' }));
    expect((await runCli(['research', vault.dir, 'Kubernetes'], env())).code).toBe(0);
    const criticPrompt = server.chatRequests.find((q) => schemaOf(q.body!) === 'critique')!.body!.messages.map((m) => m.content).join('\n');
    // Each claim's quotes come marked by code's check: the made-up one as not verified, and why.
    expect(criticPrompt).toMatch(/^ {2}- S42, NOT verified \(S42 is not one of the sources\): "Made up\."$/m);
    // The critic reads the claims of the YAML the person edits, numbered, inside one fence.
    expect(criticPrompt).toMatch(/⟦BEGIN UNTRUSTED CLAIMS [^⟧]*⟧\nC1 \(Concepts\) /);
  });
});

describe('one distillate: what the person edits is what counts', () => {
  it("a person's edit to the YAML is what the sign-off shows and fingerprints, and what show prints", async () => {
    const e = env();
    expect((await runCli(['research', vault.dir, 'Kubernetes'], e)).code).toBe(0);
    expect((await runCli(['skeleton', vault.dir, 'Kubernetes'], e)).code).toBe(0);
    const dist = `${DIR} distillate.md`;
    const original = read(dist);
    expect(original).toMatch(/^summary: The domain in \d+ sources\.$/m);
    const edited = original
      .replace(/^summary: .*$/m, 'summary: "Kubernetes, as I now understand it: a scheduler with opinions."')
      .replace('confidence: low', 'confidence: high');
    writeFileSync(file(dist), edited);
    writeFileSync(file(`${DIR} critique.md`), read(`${DIR} critique.md`).replaceAll('- [ ] ', '- [x] '));
    writeFileSync(file(`${DIR} skeleton.md`), read(`${DIR} skeleton.md`).replace('confidence: low', 'confidence: medium'));

    const shown = await runCli(['show', vault.dir, 'Kubernetes'], e);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Kubernetes, as I now understand it: a scheduler with opinions.');
    expect(shown.stdout).toMatch(/\[S\d+\]/);
    expect(shown.stdout).not.toContain('[[');

    const ok = await runCli(['signoff', vault.dir, 'Kubernetes', '--yes'], e);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Summary: Kubernetes, as I now understand it: a scheduler with opinions.');
    const fingerprint = parseNote(read('Kubernetes.md')).frontmatter!['signed-off-distillate'];
    expect(fingerprint).toBe(bodyFingerprint(parseNote(edited).body));
    expect(fingerprint).not.toBe(bodyFingerprint(parseNote(original).body));
  });
});

describe('the skeleton canvas, derived from its note', () => {
  it('skeleton --canvas rewrites only the canvas from the edited note, calls no model, and keeps cards the person added', async () => {
    const e = env();
    expect((await runCli(['research', vault.dir, 'Kubernetes'], e)).code).toBe(0);
    expect((await runCli(['skeleton', vault.dir, 'Kubernetes'], e)).code).toBe(0);
    const skel = `${DIR} skeleton.md`;
    const canvas = `${DIR} skeleton.canvas`;
    const mine = { id: '0123456789abcdef', type: 'text', text: 'A card of my own', x: -400, y: 0, width: 200, height: 60 };
    const c = JSON.parse(read(canvas)) as { nodes: unknown[] };
    c.nodes.push(mine);
    writeFileSync(file(canvas), JSON.stringify(c));
    const noteBefore = read(skel);
    writeFileSync(file(skel), noteBefore.replace('  - Practice\n', '  - Practice\n    - Rolling updates\n'));
    const calls = server.chatRequests.length;
    const r = await runCli(['skeleton', vault.dir, 'Kubernetes', '--canvas'], e);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('skeleton.canvas  (replaced)');
    expect(server.chatRequests.length).toBe(calls);
    const after = JSON.parse(read(canvas)) as { nodes: { id: string; text?: string }[] };
    expect(after.nodes.find((n) => n.text === 'Rolling updates')).toBeDefined();
    expect(after.nodes.find((n) => n.id === mine.id)).toEqual(mine);
    expect(read(skel)).toContain('Rolling updates');
  });

  it('skeleton --canvas without a skeleton says what to do', async () => {
    const r = await runCli(['skeleton', vault.dir, 'Kubernetes', '--canvas'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no skeleton yet .*: run skeleton first/);
  });
});
