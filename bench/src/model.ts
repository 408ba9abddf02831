/**
 * In-process vault-scale figures for one generated vault (argv[2]): model load, the map update
 * after one frontmatter edit (analyzeNote + set + computeMap, as LiveModel does on `changed`), the
 * full-text index build (time, heap) and scout query latency. Prints one JSON object.
 * Run with --expose-gc so heap figures are after a full collection.
 */
import { performance } from 'node:perf_hooks';
import { NodeVault } from '../../src/cli/node-vault';
import { loadModel } from '../../src/vault/load-model';
import { analyzeNote } from '../../src/core/note-record';
import { parseNote } from '../../src/core/frontmatter';
import { stripGroundworkSection } from '../../src/core/groundwork-section';
import { buildIndex } from '../../src/sources/index-store';
import { domainQuery, gatherVaultCandidates } from '../../src/sources/vault-retrieval';
import { gc, median, quantile, round, rng } from './stats';

const OUT = 'Groundwork';

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const edits = Number(process.argv[3] ?? 50);
  const queries = Number(process.argv[4] ?? 20);
  const r = rng(7);
  const vault = new NodeVault(dir);

  gc();
  const heap0 = process.memoryUsage().heapUsed;
  let t = performance.now();
  const model = await loadModel(vault, OUT);
  const loadMs = performance.now() - t;
  gc();
  const modelHeap = process.memoryUsage().heapUsed - heap0;
  // Diagnostic: bytes of heap per NoteRecord for 2,000 notes analyzed afresh, as analyzeNote
  // returns them and with their `links` copied into fresh strings. A large gap means the link
  // targets (V8 sliced strings) keep whole note texts alive.
  const sample = [...model.all()].slice(0, 2000).map((x) => x.path);
  const perRecord = async (copyLinks: boolean): Promise<number> => {
    gc();
    const h = process.memoryUsage().heapUsed;
    const kept = [];
    for (const p of sample) {
      const rec = analyzeNote(p, await vault.read(p));
      kept.push(copyLinks ? { ...rec, links: JSON.parse(JSON.stringify(rec.links)) as string[] } : rec);
    }
    gc();
    const bytes = (process.memoryUsage().heapUsed - h) / kept.length;
    kept.length = 0;
    return bytes;
  };
  const recordBytes = await perRecord(false);
  const recordBytesLinksCopied = await perRecord(true);

  // One frontmatter edit at a time: half on domain notes (confidence), half on members (domain link).
  const records = [...model.all()];
  const domains = records.filter((x) => x.role === 'domain');
  const members = records.filter((x) => x.role === null && x.domainLinks.length > 0);
  const analyzeMs: number[] = [];
  const mapMs: number[] = [];
  const totalMs: number[] = [];
  model.computeMap(); // warm-up
  for (let i = 0; i < edits; i++) {
    const target = i % 2 === 0 ? domains[Math.floor(r() * domains.length)]! : members[Math.floor(r() * members.length)]!;
    const text = await vault.read(target.path);
    const edited =
      target.role === 'domain'
        ? text.replace(/^confidence: \w+$/m, `confidence: ${['low', 'medium', 'high'][i % 3]}`)
        : text.replace(/^domain: .*$/m, `domain: "[[${domains[Math.floor(r() * domains.length)]!.path.replace(/^.*\//, '').replace(/\.md$/, '')}]]"`);
    const t0 = performance.now();
    const rec = analyzeNote(target.path, edited);
    model.set(rec);
    const t1 = performance.now();
    const map = model.computeMap();
    const t2 = performance.now();
    if (map.domains.length === 0) throw new Error('no domains');
    analyzeMs.push(t1 - t0);
    mapMs.push(t2 - t1);
    totalMs.push(t2 - t0);
  }

  gc();
  const heapBeforeIndex = process.memoryUsage().heapUsed;
  t = performance.now();
  const index = await buildIndex(vault, model, OUT);
  const indexMs = performance.now() - t;
  gc();
  const indexHeap = process.memoryUsage().heapUsed - heapBeforeIndex;

  const searchMs: number[] = [];
  const gatherMs: number[] = [];
  for (let i = 0; i < Math.min(queries, domains.length); i++) {
    const d = domains[Math.floor(r() * domains.length)]!;
    const body = stripGroundworkSection(parseNote(await vault.read(d.path)).body);
    const q = domainQuery(d.path, body);
    let s = performance.now();
    index.search(q, { limit: 10 });
    searchMs.push(performance.now() - s);
    s = performance.now();
    await gatherVaultCandidates({ vault, model, index, domainPath: d.path, outputFolder: OUT, limit: 10 });
    gatherMs.push(performance.now() - s);
  }

  const out = {
    notes: model.size,
    domains: domains.length,
    loadModelMs: round(loadMs, 0),
    modelHeapMB: round(modelHeap / 2 ** 20, 1),
    bytesPerRecord: Math.round(recordBytes),
    bytesPerRecordLinksCopied: Math.round(recordBytesLinksCopied),
    edit: {
      n: edits,
      medianMs: round(median(totalMs), 2),
      p90Ms: round(quantile(totalMs, 0.9), 2),
      analyzeMedianMs: round(median(analyzeMs), 2),
      computeMapMedianMs: round(median(mapMs), 2),
    },
    index: { docs: index.size, buildMs: round(indexMs, 0), heapMB: round(indexHeap / 2 ** 20, 1) },
    query: {
      n: searchMs.length,
      searchMedianMs: round(median(searchMs), 2),
      gatherCandidatesMedianMs: round(median(gatherMs), 2),
    },
    maxRssMB: round(process.resourceUsage().maxRSS / 1024, 0),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
