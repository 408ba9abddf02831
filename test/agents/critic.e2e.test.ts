import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer, type Handler } from '../support/openai-server';
import { scriptedAgents, type ScriptOptions } from '../support/scripted-agents';
import { withScriptedModelAndVault } from '../support/scripted-vault';
import { runCli } from '../support/run-cli';
import { parseNote } from '../../src/core/frontmatter';
import { verdictOf } from '../../src/agents/critic';

/*
 * The claim-level critic, end to end through the CLI, the real openai client and a loopback
 * model: it reads numbered claims with the quotes they cite, labels each, and code computes the
 * verdict from the labels, whatever the model says its verdict is.
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
const read = (p: string) => readFileSync(path.join(vault.dir, p), 'utf8');
const CRITIQUE = 'Groundwork/Kubernetes/Kubernetes critique.md';
const criticRequests = () => server.chatRequests.filter((q) => q.body!.response_format?.json_schema?.name === 'critique').map((q) => q.body!);

async function researchWith(opts: ScriptOptions) {
  script(scriptedAgents(opts));
  const r = await runCli(['research', vault.dir, 'Kubernetes'], env());
  expect(r.code, r.stderr).toBe(0);
  return { text: read(CRITIQUE), verdict: parseNote(read(CRITIQUE)).frontmatter!.verdict };
}

describe('the critic labels claims; code computes the verdict', () => {
  it('a critique first written with code\'s findings, then the critic\'s, is reported once, as created', async () => {
    // A citation of a source that does not exist: code finds it before the critic runs.
    script(scriptedAgents({ extraCitation: 'S42' }));
    const r = await runCli(['research', vault.dir, 'Kubernetes', '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    const written = (JSON.parse(r.stdout) as { written: { path: string; outcome: string }[] }).written;
    expect(written.filter((w) => w.path === CRITIQUE)).toEqual([{ path: CRITIQUE, outcome: 'created' }]);
    expect(read(CRITIQUE)).toContain('S42');
    // A second run replaces it, and says so.
    const again = await runCli(['research', vault.dir, 'Kubernetes', '--json', '--no-cache'], env());
    expect((JSON.parse(again.stdout) as { written: { path: string; outcome: string }[] }).written.find((w) => w.path === CRITIQUE)?.outcome).toBe('replaced');
  });

  it('reads numbered claims each followed by its quotes — not the distillate YAML, not the digests', async () => {
    await researchWith({});
    const [body] = criticRequests();
    const user = body!.messages[1]!.content;
    expect(user).toMatch(/^C1 \(Concepts\) Concept 1 — Explained by S1\.\n {2}- S1\.1, verified: "/m);
    expect(user).toMatch(/^C\d+ \(Pitfalls\) Overfitting\.$/m);
    expect(user).not.toContain('summary: The domain in');
    expect(user).not.toContain('DIGEST');
    // The task is restated after the data.
    expect(user.slice(user.lastIndexOf('Your task:'))).toMatch(/Label each claim \(C1–C\d+\)/);
  });

  it('decodes with only the real claim ids and source ids, the quote and reasoning before the label, issues before the verdict', async () => {
    await researchWith({});
    const body = criticRequests()[0]!;
    const ids = [...body.messages[1]!.content.matchAll(/^(C\d+) \(/gm)].map((m) => m[1]!);
    const schema = body.response_format!.json_schema!.schema as {
      properties: Record<string, { maxItems?: number; items: { properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }> } }>;
    };
    expect(Object.keys(schema.properties)).toEqual(['claims', 'issues', 'summary', 'verdict']);
    expect(Object.keys(schema.properties.claims!.items.properties)).toEqual(['claim', 'quote', 'reasoning', 'label']);
    expect(schema.properties.claims!.items.properties.claim!.enum).toEqual(ids);
    expect(schema.properties.claims!.maxItems).toBe(ids.length);
    expect(schema.properties.claims!.items.properties.label!.enum).toEqual(['supported', 'partial', 'unsupported', 'contradicted']);
    expect(schema.properties.issues!.items.properties.sources!.items!.enum).toEqual(['S1', 'S2', 'S3']);
  });

  it('a model that says "pass" with an unsupported label does not pass: the label becomes an open issue', async () => {
    const c = await researchWith({ critic: { verdict: 'pass', labels: { C2: 'unsupported' }, issues: [] } });
    expect(c.verdict).toBe('revise');
    expect(c.text).toMatch(/^- \[ \] \*\*unsupported\*\*: Concepts: Concept 2 — Unsupported \(C2\): /m);
    expect(c.text).toContain('The critic itself said pass; the verdict follows from its labels and the issues.');
  });

  it('a contradicted claim fails the distillate, whatever the model says', async () => {
    const c = await researchWith({ critic: { verdict: 'pass', labels: { C1: 'contradicted' }, issues: [] } });
    expect(c.verdict).toBe('fail');
    expect(c.text).toMatch(/^- \[ \] \*\*conflict\*\*: Concepts: Concept 1 — Contradicted \(C1\): /m);
  });

  it('a claim the model left unlabelled, or labelled with a word that is no label, counts as unchecked', async () => {
    const c = await researchWith({ critic: { verdict: 'pass', labels: { C1: 'mostly fine', C3: null }, issues: [] } });
    expect(c.verdict).toBe('revise');
    expect(c.text).toMatch(/^- \[ \] \*\*weak-spot\*\*: 2 claims the critic did not label — C1, C3: /m);
  });

  it('gaps are found by code: a verified key point no claim rests on is a gap issue of its source', async () => {
    // Every digest gets a second, verified point (a later stretch of its source); the distiller cites only the first.
    const base = scriptedAgents({ critic: { verdict: 'pass', labels: {}, issues: [] } });
    script(async (b, r) => {
      const answer = await base(b, r);
      if (b.response_format?.json_schema?.name !== 'source_digest') return answer;
      const text = /⟦BEGIN UNTRUSTED SOURCE[^⟧]*⟧\nTitle: .*\n([\s\S]*?)\n⟦END/.exec(b.messages[1]!.content)![1]!.replace(/\s+/g, ' ').trim();
      const json = (answer as { json: { keyPoints: unknown[] } }).json;
      if (text.length > 80) json.keyPoints.push({ quote: text.slice(40, 80), point: 'A later point.', kind: 'pitfall' });
      return answer;
    });
    expect((await runCli(['research', vault.dir, 'Kubernetes'], env())).code).toBe(0);
    const text = read(CRITIQUE);
    const sources = read('Groundwork/Kubernetes/Kubernetes sources.md');
    const second = [...sources.matchAll(/\*pitfall:\* A later point\. — “[^”]*” \^(s\d+)-2$/gm)].map((m) => m[1]!.toUpperCase());
    expect(second.length).toBeGreaterThan(0);
    expect(read('Groundwork/Kubernetes/Kubernetes distillate.md')).not.toMatch(/point: S\d+\.2/);
    for (const id of second) expect(text).toMatch(new RegExp(`^- \\[ \\] \\*\\*gap\\*\\*: ${id}: 1 verified point no claim uses — ${id}\\.2 \\(pitfall\\) A later point\\.`, 'm'));
    // Every claim supported and no issue from the model: only code's gaps keep it from passing.
    expect(parseNote(text).frontmatter!.verdict).toBe('revise');
  });

  it('every claim supported and no issue anywhere: the verdict is pass', async () => {
    const c = await researchWith({ critic: { verdict: 'revise', labels: {}, issues: [] } });
    expect(c.text).toContain('Claims checked against their quotes: 7 supported, 0 partial, 0 unsupported, 0 contradicted.');
    expect(c.verdict).toBe('pass');
  });
});

describe('verdictOf', () => {
  it('fails on a contradiction, revises on anything short of supported or any issue, passes only when all hold', () => {
    expect(verdictOf(['supported', 'supported'], 0)).toBe('pass');
    expect(verdictOf([], 0)).toBe('pass');
    expect(verdictOf(['supported', 'partial'], 0)).toBe('revise');
    expect(verdictOf(['supported', null], 0)).toBe('revise');
    expect(verdictOf(['supported'], 1)).toBe('revise');
    expect(verdictOf(['unsupported', 'contradicted'], 0)).toBe('fail');
  });
});
