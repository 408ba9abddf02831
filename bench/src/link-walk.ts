/**
 * The scout's link walk on one generated vault (argv[2]), in-process: what a research run in the
 * plugin pays to know every note's links and backlinks, before and after the model kept them.
 *
 * - before: every link of every note resolved again, as each run did until the model kept them
 *   (the old buildBacklinks, copied here so both sides run in one process, interleaved);
 * - first: the model's first walk (a fresh model: the CLI's only one, the plugin's first);
 * - after an edit / a create / a rename / a delete: the next walk on the live model after one such
 *   change, as the plugin's model sees it from vault events;
 * - ranking: gatherVaultCandidates (empty full-text index: links, members and scores only) on
 *   a fresh model vs on the live one.
 *
 * Rounds (argv[3], default 5) alternate the sides; medians. Prints one JSON object.
 */
import { performance } from 'node:perf_hooks';
import { NodeVault } from '../../src/cli/node-vault';
import { analyzeNote } from '../../src/core/note-record';
import type { VaultModel } from '../../src/core/vault-model';
import { loadModel } from '../../src/vault/load-model';
import { FullTextIndex } from '../../src/sources/fulltext-index';
import { gatherVaultCandidates } from '../../src/sources/vault-retrieval';
import { gc, median, round } from './stats';

const OUT = 'Groundwork';

/** What each run did before the model kept resolved links: resolve every link of every note. */
function backlinksTheOldWay(model: VaultModel): Map<string, string[]> {
  const back = new Map<string, string[]>();
  for (const r of model.all()) {
    for (const t of r.links) {
      const p = model.resolve(t, r.path);
      if (!p || p === r.path) continue;
      let list = back.get(p);
      if (!list) back.set(p, (list = []));
      if (!list.includes(r.path)) list.push(r.path);
    }
  }
  for (const list of back.values()) list.sort();
  return back;
}

const time = async (f: () => unknown): Promise<number> => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const rounds = Number(process.argv[3] ?? 5);
  const vault = new NodeVault(dir);
  const model = await loadModel(vault, OUT);
  const domains = [...model.all()].filter((r) => r.role === 'domain').map((r) => r.path);
  const person = [...model.all()].filter((r) => r.role === null && r.links.length > 0).map((r) => r.path);
  const empty = new FullTextIndex();
  const rank = (m: VaultModel, domainPath: string) => gatherVaultCandidates({ vault, model: m, index: empty, domainPath, outputFolder: OUT, limit: 12 });

  const s: Record<string, number[]> = { before: [], first: [], edit: [], create: [], rename: [], delete: [], rankFresh: [], rankLive: [] };
  // The live model: its first walk done, as after a first research run.
  await model.linksReady();
  for (let i = 0; i < rounds; i++) {
    const domain = domains[(i * 37) % domains.length]!;
    gc();
    s.before!.push(await time(() => backlinksTheOldWay(model)));
    const fresh = await loadModel(vault, OUT);
    gc();
    s.first!.push(await time(() => fresh.linksReady()));
    const fresh2 = await loadModel(vault, OUT);
    gc();
    s.rankFresh!.push(await time(() => rank(fresh2, domain)));

    // One edit: a person note's text (and links) changed.
    const p = person[(i * 101) % person.length]!;
    model.set(analyzeNote(p, `Edited in round ${i}: [[${domain.replace(/\.md$/, '')}]]\n`));
    s.edit!.push(await time(() => model.linksReady()));
    // A create named like a domain note other notes link to, in another folder.
    const created = `Elsewhere ${i}/${domain.slice(domain.lastIndexOf('/') + 1)}`;
    model.set(analyzeNote(created, 'A note that shares a domain note’s name.\n'));
    s.create!.push(await time(() => model.linksReady()));
    const renamed = `Renamed ${i}/${created.slice(created.lastIndexOf('/') + 1)}`;
    model.rename(created, { ...model.get(created)!, path: renamed });
    s.rename!.push(await time(() => model.linksReady()));
    model.delete(renamed);
    s.delete!.push(await time(() => model.linksReady()));
    gc();
    s.rankLive!.push(await time(() => rank(model, domain)));
  }
  const med = (k: string): number => round(median(s[k]!), 1);
  process.stdout.write(
    `${JSON.stringify({
      notes: model.size,
      links: [...model.all()].reduce((n, r) => n + r.links.length, 0),
      rounds,
      beforeMs: med('before'),
      firstMs: med('first'),
      afterEditMs: med('edit'),
      afterCreateMs: med('create'),
      afterRenameMs: med('rename'),
      afterDeleteMs: med('delete'),
      rankFreshMs: med('rankFresh'),
      rankLiveMs: med('rankLive'),
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
