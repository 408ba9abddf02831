import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { sha256Hex } from '../../src/core/fingerprint';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { NodeVault } from '../../src/cli/node-vault';
import { Journal, UndoRefused, type JournalEntry } from '../../src/journal';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';
import { runBinAsync } from '../support/child-process';

/*
 * The soak: real CLI processes run tasks (automate: applied and journaled) and undo them in
 * parallel loops while a person keeps appending to the same notes. Bounded (a fixed number of
 * rounds, a loopback model server only). Checks: every applied change has its journal entry,
 * every entry can be undone or is refused for a reason that is true, and no byte a person wrote
 * is lost.
 */

const NOTES = 3;
const RUNS_PER_NOTE = 2;
const UNDOS = 3;
/** Between two appends of the person; each note is edited every NOTES × this. */
const PERSON_PAUSE_MS = 400;

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
beforeAll(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents() });
  vault = tempVault(EXAMPLE_VAULT);
  for (let n = 0; n < NOTES; n++) writeFileSync(path.join(vault.dir, `Notes/Soak ${n}.md`), `---\ndomain: "[[Static site builds]]"\n---\n# Soak ${n}\n`);
});
afterAll(async () => {
  await server.close();
  vault.cleanup();
});

it('parallel run / undo / person-edit loops across processes: every change journaled, every entry undoable or truthfully refused, no person byte lost', async () => {
  const env = { OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model', OPENAI_API_KEY: 'sk-soak' };
  const note = (n: number) => `Notes/Soak ${n}.md`;
  const applied: string[] = [];
  let proposals = 0;
  const personLines = new Map<string, string[]>();
  let running = true;

  const runLoop = async (n: number) => {
    for (let i = 0; i < RUNS_PER_NOTE; i++) {
      const r = await runBinAsync(['run', vault.dir, 'Static site builds', '--task', `Soak task ${n}.${i}`, '--note', note(n), '--json', '--no-cache'], env);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { outcome: string; entry?: { id: string } };
      if (out.outcome === 'applied') applied.push(out.entry!.id);
      else proposals++;
    }
  };
  const undoLoop = async () => {
    for (let i = 0; i < UNDOS; i++) {
      const r = await runBinAsync(['undo', vault.dir], env);
      // Undo either worked or refused with one line saying why.
      if (r.code !== 0) expect(r.stderr).toMatch(/^groundwork: .+\n$/);
    }
  };
  const personLoop = async () => {
    // Note 0 is left to the agents, so some changes apply (and meet the undo loop); the person
    // keeps editing the others, so their runs must fall back to proposals without losing a line.
    for (let k = 0; running; k++) {
      const rel = note(1 + (k % (NOTES - 1)));
      const line = `person line ${k}`;
      appendFileSync(path.join(vault.dir, rel), `${line}\n`);
      personLines.set(rel, [...(personLines.get(rel) ?? []), line]);
      await new Promise((r) => setTimeout(r, PERSON_PAUSE_MS));
    }
  };

  const person = personLoop();
  await Promise.all([...Array.from({ length: NOTES }, (_, n) => runLoop(n)), undoLoop()]);
  running = false;
  await person;

  const nodeVault = new NodeVault(vault.dir);
  const journal = new Journal(nodeVault, new NodeDataFolder(path.join(vault.dir, '.obsidian', 'plugins', 'groundwork')), { outputFolder: 'Groundwork' });
  const entries = await journal.list();
  const byId = new Map(entries.map((e) => [e.id, e]));

  // 1. Every applied change has its journal entry, applied or undone, never lost or pending.
  for (const id of applied) expect(['applied', 'undone']).toContain(byId.get(id)?.state);

  // 2. Every applied entry, newest first, is undone or refused for a true reason.
  let undone = 0;
  let refused = 0;
  for (const e of [...entries].reverse().filter((x) => x.state === 'applied')) {
    const before = readFileSync(path.join(vault.dir, e.path), 'utf8');
    try {
      await journal.undo(e.id);
      undone++;
      expect(sha256Hex(readFileSync(path.join(vault.dir, e.path), 'utf8'))).toBe(e.beforeHash);
    } catch (err) {
      expect(err).toBeInstanceOf(UndoRefused);
      refused++;
      const newer = (await journal.list()).some((x: JournalEntry) => x.path === e.path && x.state === 'applied' && x.id > e.id);
      // Refused only when the note really changed since, or a newer change to it still stands.
      expect(sha256Hex(before) !== e.afterHash || newer, (err as Error).message).toBe(true);
    }
  }

  // 3. No person byte lost: every line the person appended is still in its note.
  let lost = 0;
  for (const [rel, lines] of personLines) {
    const text = readFileSync(path.join(vault.dir, rel), 'utf8');
    lost += lines.filter((l) => !text.includes(`${l}\n`)).length;
  }
  console.log(`soak: ${NOTES * RUNS_PER_NOTE} runs (${applied.length} applied, ${proposals} proposals after a person's edit), ${UNDOS} undo processes, ${[...personLines.values()].flat().length} person edits; final undo: ${undone} undone, ${refused} refused truthfully; person lines lost: ${lost}`);
  expect(lost).toBe(0);
}, 120_000);
