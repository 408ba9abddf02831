/**
 * Bad input: the corpus in test/fixtures/bad-input/ (malformed YAML, ---js, duplicate keys,
 * invalid trust values, tabs, BOM, CRLF, unicode and emoji names, names with # ^ [ ] |), plus a
 * 10 MB note, a binary file named .md and a note 20 folders deep made at test time. Each bad file
 * is a problem that names it; the other notes are still processed; no byte of the person's text
 * is lost, including when notes are edited, renamed or deleted while a run is in flight.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer, type ChatRequestBody } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { tempVault } from '../support/temp-vault';
import { runBin, runCli } from '../support/run-cli';
import { parseNote } from '../../src/core/frontmatter';
import { bytesLost, expectOneClearLine, expectSoundOutput, FIXTURES, hashes, personFiles } from './helpers';

const LAB = 'Bad input lab';
const DEEP = `${Array.from({ length: 20 }, (_, i) => `level ${i + 1}`).join('/')}/Deep note.md`;
const BIG = 'Big note.md';
const BINARY = 'Binary.md';

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
/** Runs while the distiller "thinks": a test edits the vault in the middle of a run. */
let duringDistill: (() => void) | null;

beforeEach(async () => {
  duringDistill = null;
  const healthy = scriptedAgents();
  server = await OpenAiTestServer.start({
    handler: (body: ChatRequestBody, req) => {
      if (body.response_format?.json_schema?.name === 'distillate' && duringDistill) {
        const f = duringDistill;
        duringDistill = null;
        f();
      }
      return healthy(body, req);
    },
  });
  vault = tempVault(path.join(FIXTURES, 'bad-input'));
  const file = (rel: string) => path.join(vault.dir, rel);
  // Generated here rather than committed: 10 MB of text, a binary file named .md, 20 levels of folders.
  const para = 'Rank and alpha decide how far an adapter can move the frozen weights. ';
  writeFileSync(file(BIG), `---\ndomain: "[[${LAB}]]"\n---\n# Big note\n\n${para.repeat(Math.ceil((10 * 1024 * 1024) / para.length))}\n`);
  writeFileSync(file(BINARY), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, ...Array.from({ length: 4096 }, (_, i) => i % 256)]));
  mkdirSync(path.dirname(file(DEEP)), { recursive: true });
  writeFileSync(file(DEEP), `---\ndomain: "[[${LAB}]]"\n---\n# Deep note\n\nTwenty folders down, still a member of the lab.\n`);
});
afterEach(async () => {
  await server.close();
  vault.cleanup();
  delete (globalThis as Record<string, unknown>).__groundworkPwned;
});

const env = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-bad-input', GROUNDWORK_MODEL: 'test-model' });
const file = (rel: string) => path.join(vault.dir, rel);

/** Every file but the domain note is byte-identical; the domain note only grew at its end. */
function expectNothingLost(before: Map<string, Buffer>, domainNote: string): void {
  const after = personFiles(vault.dir);
  expect(bytesLost(before, after, (p) => p === domainNote)).toBe(0);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  const d0 = before.get(domainNote)!;
  expect(after.get(domainNote)!.subarray(0, d0.length).equals(d0)).toBe(true);
}

describe('bad input: each problem names its file, the rest is processed', () => {
  it('the fixtures are what they claim to be (BOM, CRLF, tabs survived the checkout)', () => {
    expect(readFileSync(file('BOM note.md')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(readFileSync(file('CRLF note.md'), 'utf8')).toContain('\r\n');
    expect(readFileSync(file('Tabs in YAML.md'), 'utf8')).toContain('\n\tkey');
    expect(readFileSync(file(BIG)).length).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('check --json: one problem per bad file, naming it; no JavaScript ever runs', async () => {
    const before = hashes(vault.dir);
    const r = await runCli(['check', vault.dir, '--json']);
    expect(r.code).toBe(1);
    const { problems } = JSON.parse(r.stdout) as { problems: { path: string; message: string }[] };
    const about = (p: string) => problems.filter((x) => x.path === p).map((x) => x.message).join(' | ');
    expect(about('Malformed YAML.md')).toMatch(/Malformed YAML/);
    expect(about('JS frontmatter.md')).toMatch(/JavaScript frontmatter \(---js\) is never executed/);
    expect(about('Duplicate keys.md')).toMatch(/Duplicate key "confidence"/);
    expect(about('Invalid trust.md')).toMatch(/confidence: "very" is not valid/);
    expect(about('Invalid trust.md')).toMatch(/critical: "maybe"/);
    expect(about('Invalid trust.md')).toMatch(/autonomy: "yolo"/);
    expect(about('Invalid trust.md')).toMatch(/signed-off: "yesterday"/);
    expect(about('Invalid trust.md')).toMatch(/signed-off-distillate: "md5:abc"/);
    expect(about('Tabs in YAML.md')).toMatch(/Tabs are not allowed/);
    expect(about(BINARY)).toMatch(/Not a text file/);
    // Good files raise nothing: BOM, CRLF, emoji name, 20 folders deep, 10 MB.
    for (const good of ['Good note.md', 'BOM note.md', 'CRLF note.md', 'Café ☕ 日本語 🚀.md', DEEP, BIG]) expect(about(good), good).toBe('');
    expect((globalThis as Record<string, unknown>).__groundworkPwned).toBeUndefined();
    expect(hashes(vault.dir)).toEqual(before);
  });

  it('map --json: an invalid trust value makes its domain propose (fail safe); the other domains are listed', async () => {
    const r = await runCli(['map', vault.dir, '--json']);
    expect(r.code).toBe(0);
    const map = JSON.parse(r.stdout) as { domains: { name: string; mode: string; notes: number }[]; problems: { path: string }[] };
    expect(map.domains.find((d) => d.name === 'Invalid trust')!.mode).toBe('propose');
    const lab = map.domains.find((d) => d.name === LAB)!;
    expect(lab.mode).toBe('propose');
    // Good note, Café, BOM, CRLF, Deep, Big: members whose frontmatter parses.
    expect(lab.notes).toBeGreaterThanOrEqual(6);
    expect(new Set(map.problems.map((p) => p.path))).toEqual(new Set(['Malformed YAML.md', 'JS frontmatter.md', 'Duplicate keys.md', 'Invalid trust.md', 'Tabs in YAML.md', BINARY, 'Weird member.md']));
  });

  it('the real bin: check prints the same problems, exit 1, no stack trace', () => {
    const r = runBin(['check', vault.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
    for (const p of ['Malformed YAML.md', 'JS frontmatter.md', 'Duplicate keys.md', 'Invalid trust.md', 'Tabs in YAML.md', BINARY]) expect(r.stdout + r.stderr).toContain(p);
  });

  it('research on the lab: the good notes (BOM, CRLF, emoji, deep, 10 MB) are sources, the bad ones are not; nothing lost', async () => {
    const before = personFiles(vault.dir);
    const r = await runCli(['research', vault.dir, LAB, '--max-sources', '20', '--json'], env());
    expect(r.stderr).not.toMatch(/groundwork: /);
    expect(r.code).toBe(0);
    const refs = (JSON.parse(r.stdout) as { sources: { ref: string; error?: string }[] }).sources.filter((s) => !s.error).map((s) => s.ref);
    expect(refs).toEqual(expect.arrayContaining([`${LAB}.md`, 'Good note.md', 'Café ☕ 日本語 🚀.md', 'BOM note.md', 'CRLF note.md', DEEP, BIG]));
    for (const bad of ['Malformed YAML.md', 'JS frontmatter.md', BINARY]) expect(refs).not.toContain(bad);
    expect((globalThis as Record<string, unknown>).__groundworkPwned).toBeUndefined();
    expectNothingLost(before, `${LAB}.md`);
    expectSoundOutput(vault.dir);
    // The 10 MB note went to the model capped, not whole.
    expect(Math.max(...server.chatRequests.map((q) => q.rawBody.length))).toBeLessThan(1024 * 1024);
  });

  for (const [bad, says] of [
    ['Malformed YAML.md', /Malformed YAML/],
    ['JS frontmatter.md', /JavaScript/],
    ['Duplicate keys.md', /Duplicate key/],
    ['Tabs in YAML.md', /Tabs are not allowed/],
  ] as const) {
    it(`research on ${bad} as a domain: one line naming the file, exit 1, nothing written`, async () => {
      const before = hashes(vault.dir);
      const r = await runCli(['research', vault.dir, bad], env());
      expect(r.code).toBe(1);
      const line = expectOneClearLine(r.stderr);
      expect(line).toContain(bad);
      expect(line).toMatch(says);
      expect(line).toMatch(/fix its frontmatter/);
      expect(hashes(vault.dir)).toEqual(before);
      expect(server.chatRequests).toHaveLength(0);
      expect((globalThis as Record<string, unknown>).__groundworkPwned).toBeUndefined();
    });
  }

  it('research on the binary .md: one clear line naming it, nothing written', async () => {
    const before = hashes(vault.dir);
    const r = await runCli(['research', vault.dir, BINARY], env());
    expect(r.code).toBe(1);
    expect(expectOneClearLine(r.stderr)).toContain(BINARY);
    expect(hashes(vault.dir)).toEqual(before);
  });

  it('an emoji-named note adopted as a domain: its body bytes stay, its generated notes link back to it', async () => {
    const name = 'Café ☕ 日本語 🚀';
    const original = readFileSync(file(`${name}.md`), 'utf8');
    const r = await runCli(['research', vault.dir, `${name}.md`], env());
    expect(r.code).toBe(0);
    const after = readFileSync(file(`${name}.md`), 'utf8');
    expect(parseNote(after).body.startsWith(parseNote(original).body)).toBe(true);
    expect(parseNote(after).frontmatter).toMatchObject({ domain: `[[${LAB}]]`, groundwork: 'domain', confidence: 'low' });
    const dist = readFileSync(file(`Groundwork/${name}/${name} distillate.md`), 'utf8');
    expect(parseNote(dist).frontmatter!.domain).toBe(`[[${name}]]`);
    expectSoundOutput(vault.dir);
  });

  it('a domain named with # ^ [ ] |: research writes under a safe folder name and loses nothing', async () => {
    const domain = 'Weird #name ^x [y] |z';
    const before = personFiles(vault.dir);
    const r = await runCli(['research', vault.dir, `${domain}.md`, '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    const written = (JSON.parse(r.stdout) as { written: { path: string }[] }).written.map((w) => w.path);
    for (const w of written) expect(w.startsWith('Groundwork/Weird name x y z/')).toBe(true);
    expectNothingLost(before, `${domain}.md`);
    expectSoundOutput(vault.dir);
  });
});

describe('the vault changes while a run is in flight', () => {
  it('a member note and the domain note edited mid-run: both edits kept, byte for byte', async () => {
    const member = 'Good note.md';
    const memberEdit = `${readFileSync(file(member), 'utf8')}\nAn edit made while the distiller worked. ✍️\n`;
    const domainEdit = `${readFileSync(file(`${LAB}.md`), 'utf8')}\nAnother thought, typed mid-run.\n`;
    duringDistill = () => {
      writeFileSync(file(member), memberEdit);
      writeFileSync(file(`${LAB}.md`), domainEdit);
    };
    const r = await runCli(['research', vault.dir, LAB], env());
    expect(r.code, r.stderr).toBe(0);
    expect(duringDistill).toBeNull();
    expect(readFileSync(file(member), 'utf8')).toBe(memberEdit);
    const domainAfter = readFileSync(file(`${LAB}.md`), 'utf8');
    expect(domainAfter.startsWith(domainEdit)).toBe(true);
    expect(domainAfter.slice(domainEdit.length)).toContain(`[[Groundwork/${LAB}/${LAB} distillate|Distillate]]`);
    expectSoundOutput(vault.dir);
  });

  it('the domain note renamed mid-run: one clear line naming it, exit 1; the renamed note is byte-identical', async () => {
    const original = readFileSync(file(`${LAB}.md`));
    duringDistill = () => renameSync(file(`${LAB}.md`), file('Renamed lab.md'));
    const r = await runCli(['research', vault.dir, LAB], env());
    expect(r.code).toBe(1);
    expect(expectOneClearLine(r.stderr)).toContain(`${LAB}.md`);
    expect(existsSync(file(`${LAB}.md`))).toBe(false);
    expect(readFileSync(file('Renamed lab.md'))).toEqual(original);
    expectSoundOutput(vault.dir);
  });

  it('the domain note deleted mid-run: one clear line naming it, exit 1; it is not re-created', async () => {
    const before = personFiles(vault.dir);
    duringDistill = () => rmSync(file(`${LAB}.md`));
    const r = await runCli(['research', vault.dir, LAB], env());
    expect(r.code).toBe(1);
    expect(expectOneClearLine(r.stderr)).toContain(`${LAB}.md`);
    expect(existsSync(file(`${LAB}.md`))).toBe(false);
    const after = personFiles(vault.dir);
    expect(bytesLost(before, after, (p) => p === `${LAB}.md`)).toBe(0);
    expectSoundOutput(vault.dir);
  });
});
