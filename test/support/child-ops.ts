/*
 * A child process for the cross-process tests (bundled by child-process.ts).
 *   {op: 'append', file, n, tag}: appends n lines `<tag><i>` to a file, as an editor would, with
 *     pauses of 0–2 ms between them.
 *   {op: 'count', data, n}: n times, under the `counter` lock, read counter.txt, add 1, write it.
 *   {op: 'hold', data, ms, lock?}: takes the lock (`counter` unless named), prints "held", holds it ms (or until killed).
 *   {op: 'index', vault, n, tag}: n times, appends to its note `<tag>.md` and opens (refreshes, saves) the
 *     full-text index; reports on stderr a save that failed or a saved index found unusable.
 *   {op: 'generated', vault, prefix, n}: n generated notes `Groundwork/<prefix>-<i>.md`, recorded.
 *   {op: 'journal', vault, prefix, n}: n journal applies, each creating a note `<prefix>-<i>.md`.
 */
import { appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { NodeVault } from '../../src/cli/node-vault';
import { GeneratedNotes } from '../../src/agents/generated-notes';
import { Journal } from '../../src/journal';
import { withDataLock } from '../../src/vault/data-lock';
import { openIndex } from '../../src/sources/index-store';
import { loadModel } from '../../src/vault/load-model';

type Arg = { op: 'generated'; vault: string; prefix: string; n: number } | { op: 'append'; file: string; n: number; tag: string } | { op: 'count'; data: string; n: number } | { op: 'hold'; data: string; ms: number; lock?: string } | { op: 'index'; vault: string; n: number; tag: string } | { op: 'journal'; vault: string; prefix: string; n: number };

async function main(): Promise<void> {
  const arg = JSON.parse(process.argv[2] ?? '{}') as Arg;
  if (arg.op === 'append') {
    for (let i = 0; i < arg.n; i++) {
      appendFileSync(arg.file, `${arg.tag}${i}\n`);
      await new Promise((r) => setTimeout(r, i % 3));
    }
    process.stdout.write(JSON.stringify({ ok: true }));
  } else if (arg.op === 'generated') {
    const vault = new NodeVault(arg.vault);
    const notes = new GeneratedNotes(vault, new NodeDataFolder(path.join(vault.root, '.obsidian', 'plugins', 'groundwork')), 'Groundwork');
    for (let i = 0; i < arg.n; i++) {
      const r = await notes.write(`Groundwork/${arg.prefix}-${i}.md`, `generated ${arg.prefix} ${i}\n`, { domainPath: 'D.md', task: 'research', now: new Date().toISOString() });
      if (r.outcome !== 'created') throw new Error(`unexpected outcome ${r.outcome}`);
    }
    process.stdout.write(JSON.stringify({ ok: true }));
  } else if (arg.op === 'count') {
    const data = new NodeDataFolder(arg.data);
    for (let i = 0; i < arg.n; i++) {
      await withDataLock(data, 'counter', async () => {
        const n = Number((await data.read('counter.txt')) ?? '0');
        await new Promise((r) => setImmediate(r));
        await data.write('counter.txt', String(n + 1));
      });
    }
    process.stdout.write(JSON.stringify({ ok: true }));
  } else if (arg.op === 'hold') {
    const data = new NodeDataFolder(arg.data);
    await withDataLock(data, arg.lock ?? 'counter', async () => {
      process.stdout.write('held\n');
      await new Promise((r) => setTimeout(r, arg.ms));
    });
  } else if (arg.op === 'index') {
    const vault = new NodeVault(arg.vault);
    const data = new NodeDataFolder(path.join(vault.root, '.obsidian', 'plugins', 'groundwork'));
    for (let i = 0; i < arg.n; i++) {
      appendFileSync(path.join(vault.root, `${arg.tag}.md`), `${arg.tag} line ${i} about adapters\n`);
      // A save that fails, or a saved index found unusable, is what this op is here to catch.
      await openIndex(vault, data, await loadModel(vault, 'Groundwork'), 'Groundwork', { onProgress: (m) => (/^(Could not|The saved)/.test(m) ? process.stderr.write(`run ${i}: ${m}\n`) : undefined) });
    }
    process.stdout.write(JSON.stringify({ ok: true }));
  } else {
    const vault = new NodeVault(arg.vault);
    const data = new NodeDataFolder(path.join(vault.root, '.obsidian', 'plugins', 'groundwork'));
    const journal = new Journal(vault, data, { outputFolder: 'Groundwork' });
    const ids: string[] = [];
    for (let i = 0; i < arg.n; i++) {
      const e = await journal.apply({ path: `Notes/${arg.prefix}-${i}.md`, expectedBefore: null, after: `note ${arg.prefix} ${i}\n`, domain: 'D.md', task: 't', by: 'agent' });
      ids.push(e.id);
    }
    process.stdout.write(JSON.stringify({ ids }));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
  process.exit(1);
});
