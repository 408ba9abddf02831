// A small vault for the research benchmark: the domain note "Vector search" and 11 member notes
// (most 1.5–8 KB, two long clippings of 18 and 30 KB so the per-source cap matters), plus
// unrelated notes so the full-text index is not trivial. No web URLs. Returns the members' sizes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rng } from './stats';

const SENTENCES = [
  'An approximate nearest neighbour index trades a little recall for a large drop in query latency.',
  'HNSW builds a layered proximity graph; queries descend from sparse upper layers to the dense base layer.',
  'The ef_search parameter bounds the candidate list during a query, and raising it buys recall with latency.',
  'IVF partitions vectors into coarse cells with k-means and only scans the nearest few cells at query time.',
  'Product quantization splits each vector into sub-vectors and stores a code per sub-vector, shrinking memory by an order of magnitude.',
  'Cosine similarity on normalized vectors is the same ranking as inner product, which most engines compute faster.',
  'Embedding models drift between versions, so an index built with one model must not be queried with another.',
  'Hybrid retrieval merges BM25 keyword scores with vector scores, often through reciprocal rank fusion.',
  'Filtering by metadata before the vector search can starve the graph walk; filtering after can return too few hits.',
  'Recall at 10 against a brute-force baseline is the figure to track when tuning an index.',
  'Chunk size decides what a hit means: too small and context is lost, too large and the embedding blurs several topics.',
  'Re-ranking the top 100 candidates with a cross-encoder usually improves precision more than a bigger index does.',
  'Deletes in graph indexes are tombstones until a rebuild, and a high tombstone ratio degrades recall.',
  'Memory is the usual limit: a million 768-dimensional float32 vectors take about three gigabytes before any index overhead.',
  'Dimensionality reduction with PCA before indexing can cut memory with a small loss of recall.',
  'Sharding by tenant keeps filters cheap, while sharding by hash balances load but fans every query out.',
  'Warm-up matters: the first queries after a restart page the graph in from disk and are much slower.',
  'Benchmarks such as ANN-Benchmarks plot recall against queries per second, and the knee of the curve is where to operate.',
  'Quantized vectors need a rescoring pass with full-precision vectors to recover the last points of recall.',
  'Batching embedding requests is the cheapest way to cut indexing cost for a large corpus.',
  'The distance metric must match how the embedding model was trained, or the ranking is meaningless.',
  'A vector database adds replication, snapshots and access control around an index library such as FAISS or hnswlib.',
  'Query-time latency budgets are usually set at the p99, not the median, because tail latency is what users notice.',
  'Semantic caching stores answers keyed by query embeddings and serves near-duplicates without a model call.',
];

const HEADINGS = ['Why it matters', 'How it works', 'Trade-offs', 'Pitfalls', 'In practice', 'Open questions', 'Notes from the talk', 'Measurements'];

function prose(r: () => number, target: number, title: string): string {
  const out = [`# ${title}`, ''];
  let size = title.length + 3;
  let para: string[] = [];
  while (size < target) {
    const s = SENTENCES[Math.floor(r() * SENTENCES.length)]!;
    para.push(s);
    size += s.length + 1;
    if (para.length >= 3 + Math.floor(r() * 3)) {
      if (r() < 0.3) out.push(`## ${HEADINGS[Math.floor(r() * HEADINGS.length)]}`, '');
      out.push(para.join(' '), '');
      para = [];
    }
  }
  if (para.length) out.push(para.join(' '), '');
  return out.join('\n');
}

const MEMBERS: Array<[string, number]> = [
  ['HNSW parameters', 1500],
  ['IVF and PQ', 2500],
  ['Hybrid retrieval', 3000],
  ['Embedding model choice', 4000],
  ['Chunking strategy', 5000],
  ['Metadata filtering', 6000],
  ['Re-ranking', 7000],
  ['Index memory budget', 8000],
  ['Evaluation and recall', 12000],
  ['Clipping - ANN benchmarks article', 18000],
  ['Clipping - vector database survey', 30000],
];

export function researchVault(dir: string): number[] {
  const r = rng(12);
  const write = (rel: string, text: string): void => {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  };
  const links = MEMBERS.slice(0, 6).map(([n]) => `- [[${n}]]`).join('\n');
  write(
    'Vector search.md',
    `---\ngroundwork: domain\nconfidence: low\ntags: [search, ml]\n---\n${prose(r, 2000, 'Vector search')}\n## Reading list\n\n${links}\n`,
  );
  const sizes: number[] = [];
  for (const [name, size] of MEMBERS) {
    const text = `---\ndomain: "[[Vector search]]"\ncreated: 2026-03-0${1 + (sizes.length % 9)}\ntags: [search]\n---\n${prose(r, size, name)}`;
    write(`Notes/Search/${name}.md`, text);
    sizes.push(text.length);
  }
  for (let i = 0; i < 30; i++) {
    write(`Journal/2026-02-${String(1 + (i % 28)).padStart(2, '0')} ${i}.md`, `---\ntags: [daily]\n---\n# Day ${i}\n\nGroceries, a walk, and reading about gardening and bread baking.\n`);
  }
  return sizes;
}
