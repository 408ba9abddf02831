import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';
import { runBin } from '../support/run-cli';
import { NodeVault } from '../../src/cli/node-vault';
import { loadModel } from '../../src/vault/load-model';
// @ts-expect-error -- plain JS, deterministic: the same size and seed give the same vault
import { generateVault } from '../../bench/vault-gen.mjs';

/**
 * `map` is tuned for speed (bench/README.md): every such change must leave what it computes
 * exactly as it was. This pins, for three vaults, every note's record (as analyzeNote derives it)
 * and the bytes `map` and `check` print, as the built CLI prints them, to files recorded before
 * the speed work. The vaults: the example vault, the bad-input fixtures, and a generated vault
 * (bench/vault-gen.mjs) with the edge-case notes of test/fixtures/edge-notes added (frontmatter
 * languages, comment-only and empty blocks, CRLF, BOM, code, every link and tag form, include
 * rules, routines). A change that is meant to change the output re-records them:
 * `GOLDEN_UPDATE=1 npx vitest run test/cli/map-golden.test.ts`, and the diff shows what moved.
 */

const GOLDEN = path.resolve(__dirname, '../fixtures/golden');
const EDGE_NOTES = path.resolve(__dirname, '../fixtures/edge-notes');
const BAD_INPUT = path.resolve(__dirname, '../fixtures/bad-input');
const update = process.env.GOLDEN_UPDATE === '1';

const cleanups: (() => void)[] = [];
const vaults: Record<string, string> = {};

beforeAll(() => {
  const make = (from?: string): string => {
    const v = tempVault(from);
    cleanups.push(v.cleanup);
    return v.dir;
  };
  vaults.example = make(EXAMPLE_VAULT);
  vaults['bad-input'] = make(BAD_INPUT);
  const generated = make();
  generateVault(generated, 400);
  cpSync(EDGE_NOTES, generated, { recursive: true });
  vaults.generated = generated;
});
afterAll(() => cleanups.splice(0).forEach((c) => c()));

/** Each note's record, hashed: a difference names the note. mtime is left out (it is the copy's). */
async function recordHashes(dir: string): Promise<Record<string, string>> {
  const model = await loadModel(new NodeVault(dir), 'Groundwork');
  const out: Record<string, string> = {};
  for (const r of [...model.all()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    out[r.path] = createHash('sha256').update(JSON.stringify({ ...r, mtime: 0 })).digest('hex').slice(0, 16);
  }
  return out;
}

const CLOCK_AHEAD = path.resolve(__dirname, '../support/clock-ahead.cjs');

function cli(args: string[], env: Record<string, string> = {}): string {
  const r = runBin(args, env);
  return `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

function compare(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (update) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe.each(['example', 'bad-input', 'generated'])('the %s vault', (name) => {
  it('every note record is what it was', async () => {
    compare(`${name}.records.json`, `${JSON.stringify(await recordHashes(vaults[name]!), null, 1)}\n`);
  });

  it('map --json, map, check --json and check print the same bytes', () => {
    const dir = vaults[name]!;
    // The vault's folder differs per run: only its name is left in what is compared.
    const out = [['map', dir, '--json'], ['map', dir], ['check', dir, '--json'], ['check', dir]].map((a) => `$ groundwork ${a.join(' ').replace(dir, '<vault>')}\n${cli(a)}`).join('\n');
    compare(`${name}.cli.txt`, out.split(dir).join('<vault>'));
  });

  it('the same bytes again when the notes come from the record cache', () => {
    const dir = vaults[name]!;
    // An hour ahead, the notes copied a moment ago are old enough to keep (src/cli/record-cache.ts).
    const env = { NODE_OPTIONS: `--require ${CLOCK_AHEAD}` };
    const commands = [['map', dir, '--json'], ['map', dir], ['check', dir, '--json'], ['check', dir]];
    cli(commands[0]!, env);
    const out = commands.map((a) => `$ groundwork ${a.join(' ').replace(dir, '<vault>')}\n${cli(a, env)}`).join('\n');
    expect(existsSync(path.join(dir, '.obsidian', 'plugins', 'groundwork', 'cache', 'note-records.bin'))).toBe(true);
    compare(`${name}.cli.txt`, out.split(dir).join('<vault>'));
  });
});
