import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_VAULT, snapshot, tempVault } from '../support/temp-vault';
import { runBin, runCli } from '../support/run-cli';
import { renderDomainsBase } from '../../src/core/domains-base';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function vault(copy = true) {
  const v = tempVault(copy ? EXAMPLE_VAULT : undefined);
  cleanups.push(v.cleanup);
  return v.dir;
}

describe('groundwork map', () => {
  it('prints the DESIGN §5 JSON for the example vault, one domain in each mode, and writes nothing', async () => {
    const dir = vault();
    const before = snapshot(dir);
    const r = await runCli(['map', dir, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { domains: Record<string, unknown>[]; problems: unknown[] };
    expect(json.problems).toEqual([]);
    const byName = Object.fromEntries(json.domains.map((d) => [d.name, d]));
    expect(byName['LoRA fine-tuning']).toMatchObject({ mode: 'propose', confidence: 'low', notes: 2, stage: 'unexplored' });
    expect(byName['Kubernetes']).toMatchObject({ mode: 'assist', confidence: 'medium', notes: 2 });
    expect(byName['Payments']).toMatchObject({ mode: 'assist', critical: true });
    expect(byName['Static site builds']).toMatchObject({ mode: 'automate', stage: 'signed-off', stale: false, signedOff: '2026-11-20', blockers: [] });
    for (const d of json.domains) {
      expect(Object.keys(d)).toEqual(['name', 'path', 'confidence', 'critical', 'mode', 'stage', 'signedOff', 'stale', 'notes', 'linked', 'included', 'pending', 'blockers', 'probation', 'evidence', 'sourcesChanged', 'suggestion']);
    }
    // Only the data folder's caches may change (DESIGN §5: a cache changes nothing in the vault).
    const withoutCaches = (m: Map<string, Buffer>) => new Map([...m].filter(([p]) => !p.startsWith('.obsidian/plugins/groundwork/cache/')));
    expect(withoutCaches(snapshot(dir))).toEqual(withoutCaches(before));
  });

  it('--write writes Groundwork/Autonomy map.md linking every domain, grouped by zone, the domains base, and only those', async () => {
    const dir = vault();
    const before = snapshot(dir);
    const r = await runCli(['map', dir, '--write']);
    expect(r.code).toBe(0);
    const after = snapshot(dir);
    const added = [...after.keys()].filter((k) => !before.has(k) && !k.startsWith('.obsidian/plugins/groundwork/'));
    expect(added.sort()).toEqual(['Groundwork/Autonomy map.md', 'Groundwork/Domains.base']);
    for (const [k, v] of before) expect(after.get(k)).toEqual(v);
    const note = readFileSync(path.join(dir, 'Groundwork/Autonomy map.md'), 'utf8');
    expect(note).toMatch(/^---\ngroundwork: map\n/);
    const automation = note.indexOf('## Automation zone');
    const assist = note.indexOf('## Assist zone');
    const tension = note.indexOf('## Tension zone');
    expect(automation).toBeGreaterThan(0);
    expect(note.indexOf('[[Static site builds\\|Static site builds]]')).toBeGreaterThan(automation);
    expect(note.indexOf('[[Kubernetes\\|Kubernetes]]')).toBeGreaterThan(assist);
    expect(note.indexOf('[[LoRA fine-tuning\\|LoRA fine-tuning]]')).toBeGreaterThan(tension);
    // Regenerating replaces the generated map...
    expect((await runCli(['map', dir, '--write'])).code).toBe(0);
    // ...but never a note the person wrote at that path.
    writeFileSync(path.join(dir, 'Groundwork/Autonomy map.md'), '# My own notes\n');
    const refused = await runCli(['map', dir, '--write']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not a generated map');
    expect(readFileSync(path.join(dir, 'Groundwork/Autonomy map.md'), 'utf8')).toBe('# My own notes\n');
  });

  it('--write leaves a generated map the person added a line to as it is, and says so', async () => {
    const dir = vault();
    expect((await runCli(['map', dir, '--write'])).code).toBe(0);
    const mapPath = path.join(dir, 'Groundwork/Autonomy map.md');
    const edited = `${readFileSync(mapPath, 'utf8')}\nMy note on the zones: revisit Kubernetes in May.\n`;
    writeFileSync(mapPath, edited);
    const again = await runCli(['map', dir, '--write']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^groundwork: Groundwork\/Autonomy map\.md was edited since Groundwork wrote it, so it was left as is/);
    // The map itself is still printed; the person's text is intact.
    expect(again.stdout).toContain('Static site builds');
    expect(readFileSync(mapPath, 'utf8')).toBe(edited);
  });

  it('--write writes Groundwork/Domains.base once, keeps it current, and never over a base the person edited', async () => {
    const dir = vault();
    const basePath = path.join(dir, 'Groundwork/Domains.base');
    const first = await runCli(['map', dir, '--write']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Wrote Groundwork/Domains.base');
    const written = readFileSync(basePath, 'utf8');
    expect(written).toBe(renderDomainsBase('Groundwork'));
    const again = await runCli(['map', dir, '--write']);
    expect(again.stderr).toContain('Groundwork/Domains.base is up to date');
    // The person adds a column in Obsidian: Bases rewrites the file; Groundwork leaves it be.
    const edited = written.replace('      - formula.mode_as_written\n', '      - formula.mode_as_written\n      - file.mtime\n');
    expect(edited).not.toBe(written);
    writeFileSync(basePath, edited);
    const kept = await runCli(['map', dir, '--write']);
    expect(kept.code).toBe(0);
    expect(kept.stderr).toContain('Left Groundwork/Domains.base as you edited it');
    expect(readFileSync(basePath, 'utf8')).toBe(edited);
  });

  it('reads the frontmatter live: lowering confidence moves a domain out of automation', async () => {
    const dir = vault();
    const file = path.join(dir, 'Static site builds.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('confidence: high', 'confidence: medium'));
    const json = JSON.parse((await runCli(['map', dir, '--json'])).stdout) as { domains: { name: string; mode: string }[] };
    expect(json.domains.find((d) => d.name === 'Static site builds')!.mode).toBe('assist');
  });
});

describe('bad input', () => {
  function badVault(): string {
    const dir = vault(false);
    const files: Record<string, string | Buffer> = {
      'Good.md': '---\ngroundwork: domain\nconfidence: medium\n---\n# Good\n',
      'Member.md': '---\ndomain: "[[Good]]"\n---\nA member.\n',
      'Malformed.md': '---\nconfidence: [oops\n---\nbody\n',
      'Script.md': '---js\n{ confidence: (globalThis.__groundworkPwned = "high") }\n---\nbody\n',
      'Invalid.md': '---\ngroundwork: domain\nconfidence: extremely\n---\nbody\n',
      'Duplicate.md': '---\nconfidence: low\nconfidence: high\n---\nbody\n',
      'Empty.md': '',
      'Only frontmatter.md': '---\ntitle: x\n---\n',
      'Binary.md': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0xff, 0xfe]),
      'Deep/ér/ünï 🚀.md': '---\ndomain: "[[Good]]"\n---\nunicode path\r\n',
      'BOM CRLF.md': '\uFEFF---\r\ngroundwork: domain\r\nconfidence: LOW\r\n---\r\nbody\r\n',
    };
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), content);
    }
    symlinkSync(path.join(dir, 'nowhere.md'), path.join(dir, 'Dangling.md'));
    mkdirSync(path.join(dir, '.obsidian'), { recursive: true });
    writeFileSync(path.join(dir, '.obsidian', 'Ignored.md'), '---\ngroundwork: domain\n---\nconfig folder\n');
    return dir;
  }

  it('check names each bad file, processes the rest, writes nothing and exits 1', async () => {
    const dir = badVault();
    const before = snapshot(dir);
    const r = await runCli(['check', dir, '--json']);
    expect(r.code).toBe(1);
    const { notes, problems } = JSON.parse(r.stdout) as { notes: number; problems: { path: string; message: string }[] };
    expect(notes).toBe(12);
    const byPath = (p: string) => problems.filter((x) => x.path === p).map((x) => x.message);
    expect(byPath('Malformed.md')[0]).toMatch(/Malformed YAML/i);
    expect(byPath('Script.md')[0]).toMatch(/never executed/);
    expect(byPath('Invalid.md')).toEqual(['confidence: "extremely" is not valid; use low, medium or high']);
    expect(byPath('Duplicate.md')[0]).toMatch(/Duplicate key/i);
    expect(byPath('Empty.md')).toEqual(['The note is empty']);
    expect(byPath('Only frontmatter.md')).toEqual(['The note has frontmatter but no text']);
    expect(byPath('Binary.md')[0]).toMatch(/Not a text file/);
    expect(byPath('Dangling.md')[0]).toMatch(/Could not read/);
    for (const ok of ['Good.md', 'Member.md', 'Deep/ér/ünï 🚀.md', 'BOM CRLF.md']) expect(byPath(ok)).toEqual([]);
    expect((globalThis as Record<string, unknown>).__groundworkPwned).toBeUndefined();
    expect(snapshot(dir)).toEqual(before);

    const map = JSON.parse((await runCli(['map', dir, '--json'])).stdout) as { domains: { name: string; mode: string; notes: number }[] };
    expect(map.domains.map((d) => [d.name, d.mode, d.notes])).toEqual([
      ['BOM CRLF', 'propose', 0],
      ['Good', 'assist', 2],
      ['Invalid', 'propose', 0],
    ]);
  });

  it('check prints one line per problem on stdout and a count on stderr', async () => {
    const r = await runCli(['check', badVault()]);
    expect(r.stdout.trim().split('\n').every((l) => /^[^:]+\.md: /.test(l))).toBe(true);
    expect(r.stderr).toMatch(/^\d+ problems in \d+ of 12 notes\n$/);
  });

  it('deeply nested YAML: each problem is reported once, not once per level', async () => {
    const dir = vault(false);
    // 40 unclosed flow sequences, on one line and across 40 lines, and 40 unclosed flow maps.
    writeFileSync(path.join(dir, 'Nested.md'), `---\na: ${'['.repeat(40)}\n---\nBody.\n`);
    writeFileSync(path.join(dir, 'Nested lines.md'), `---\na: ${Array.from({ length: 40 }, () => '[').join('\n ')}\n---\nBody.\n`);
    writeFileSync(path.join(dir, 'Nested maps.md'), `---\na: ${'[{'.repeat(20)}\n---\nBody.\n`);
    const r = await runCli(['check', dir, '--json']);
    expect(r.code).toBe(1);
    const { problems } = JSON.parse(r.stdout) as { problems: { path: string; message: string }[] };
    const byPath = (p: string) => problems.filter((x) => x.path === p).map((x) => x.message);
    expect(byPath('Nested.md')).toEqual(['Malformed YAML frontmatter: Flow sequence in block collection must be sufficiently indented and end with a ] (line 2)']);
    expect(byPath('Nested lines.md')).toHaveLength(1);
    expect(byPath('Nested maps.md')).toHaveLength(2);
    for (const p of problems) expect(problems.filter((x) => x.path === p.path && x.message === p.message)).toHaveLength(1);
  });

  it('a clean vault passes check with exit 0', async () => {
    const r = await runCli(['check', vault()]);
    expect(r).toMatchObject({ code: 0, stdout: 'No problems in 15 notes.\n' });
  });
});

describe('the installed bin', () => {
  it('exits 2 on a usage error and 1 on a missing vault or a file, with one line and no stack trace', () => {
    const usage = runBin(['map']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.split('\n')[0]).toBe('groundwork: expected map <vault>');
    const unknown = runBin(['map', '.', '--frob']);
    expect(unknown.code).toBe(2);
    const missing = runBin(['map', '/nonexistent/vault']);
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: 'groundwork: no such vault folder: /nonexistent/vault\n' });
    const file = runBin(['check', path.join(EXAMPLE_VAULT, 'Payments.md')]);
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/^groundwork: .*Payments\.md is a file, not a vault folder\n$/);
    expect(file.stderr).not.toMatch(/\bat .*\.(c?js|ts):\d+/);
  });

  it('prints the map of the example vault', () => {
    // A copy: map keeps its record cache in the vault's data folder, never in the repository.
    const r = runBin(['map', vault(true)]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^DOMAIN\s+MODE\s+CONFIDENCE/);
    expect(r.stdout).toMatch(/Static site builds\s+automate/);
  });
});
