/*
 * A child process for the cross-process lock and journal tests (bundled by child-process.ts).
 *   {op: 'count', data, n}: n times, under the `counter` lock, read counter.txt, add 1, write it.
 *   {op: 'hold', data, ms}: takes the `counter` lock, prints "held", holds it ms (or until killed).
 *   {op: 'journal', vault, prefix, n}: n journal applies, each creating a note `<prefix>-<i>.md`.
 */
import * as path from 'node:path';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { NodeVault } from '../../src/cli/node-vault';
import { Journal } from '../../src/journal';
import { withDataLock } from '../../src/vault/data-lock';

type Arg = { op: 'count'; data: string; n: number } | { op: 'hold'; data: string; ms: number } | { op: 'journal'; vault: string; prefix: string; n: number };

async function main(): Promise<void> {
  const arg = JSON.parse(process.argv[2] ?? '{}') as Arg;
  if (arg.op === 'count') {
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
    await withDataLock(data, 'counter', async () => {
      process.stdout.write('held\n');
      await new Promise((r) => setTimeout(r, arg.ms));
    });
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
