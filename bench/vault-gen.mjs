// Generates benchmark vaults with plain fs (no fsync): realistic note sizes (1–8 KB), frontmatter,
// wikilinks, about 5% domain notes, members linking them with `domain: "[[X]]"`, and some
// generated notes under Groundwork/. Deterministic: the same size gives the same vault.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'system model data cache index query latency throughput request response server client token budget context window ' +
  'schema migration cluster node pod container image registry deploy rollout rollback canary release pipeline build ' +
  'test fixture coverage review merge branch commit history graph edge vertex weight gradient loss optimizer batch ' +
  'epoch learning rate adapter rank matrix vector embedding retrieval ranking recall precision metric dashboard alert ' +
  'incident postmortem runbook oncall budget invoice payment ledger refund dispute currency settlement account balance ' +
  'note vault link backlink folder template daily weekly review project area resource archive habit reading summary ' +
  'quote source claim evidence argument tradeoff decision risk mitigation assumption constraint requirement interface ' +
  'protocol packet socket stream buffer queue worker thread process memory allocation garbage collector heap stack ' +
  'compiler parser lexer syntax tree type inference generic trait module package dependency version lockfile bundle'
).split(' ');

const TOPIC_A = 'Kubernetes Postgres Redis Kafka Terraform React Rust Python Go TypeScript LoRA Transformer Diffusion Payments Billing Search Observability Security Networking Storage Compilers Databases Caching Testing Design Writing Reading Finance Cooking Gardening Running Music Photography Travel Statistics Probability Algebra Topology Economics History'.split(' ');
const TOPIC_B = 'fundamentals internals tuning operations migrations patterns pitfalls architecture scaling debugging monitoring deployment security theory practice tooling workflows basics advanced history'.split(' ');

// A Zipf-like vocabulary: the topic words above plus 6,000 made-up words, drawn with a strong
// skew, so a few terms are in nearly every note and most are rare, as in real prose.
const SYLLABLES = 'ka lo mi ne ru sa te vo zi ba de fi go hu ja ke li mo nu pa qui re so tu va we xi yo za'.split(' ');
function vocabulary(r) {
  const out = [...WORDS];
  const seen = new Set(out);
  while (out.length < WORDS.length + 6000) {
    const n = 2 + Math.floor(r() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    if (!seen.has(w)) {
      seen.add(w);
      out.push(w);
    }
  }
  return out;
}
let VOCAB = null;

function sentence(r) {
  VOCAB ??= vocabulary(rng(1));
  const n = 8 + Math.floor(r() * 14);
  const w = [];
  for (let i = 0; i < n; i++) w.push(VOCAB[Math.floor(VOCAB.length * r() ** 3)]);
  w[0] = w[0][0].toUpperCase() + w[0].slice(1);
  return `${w.join(' ')}.`;
}

function paragraphPool(r, count) {
  const pool = [];
  for (let i = 0; i < count; i++) {
    const s = [];
    const n = 2 + Math.floor(r() * 5);
    for (let j = 0; j < n; j++) s.push(sentence(r));
    pool.push(s.join(' '));
  }
  return pool;
}

function yamlQuote(s) {
  return JSON.stringify(s);
}

/**
 * Writes a vault of about `total` notes into `dir`. Returns counts.
 * Layout: domain notes under Domains/, person notes under Area NN/, generated notes under
 * Groundwork/<Domain>/ for a tenth of the domains, a few proposals in Groundwork/Inbox/.
 */
export function generateVault(dir, total, seed = 42) {
  const r = rng(seed + total);
  const pool = paragraphPool(r, 1500);
  const nDomains = Math.max(1, Math.round(total * 0.05));
  const researched = Math.max(1, Math.floor(nDomains / 10));
  const nGenerated = researched * 3;
  const nProposals = Math.max(1, Math.floor(nDomains / 20));
  const nPerson = Math.max(0, total - nDomains - nGenerated - nProposals);

  const domainNames = [];
  const seen = new Set();
  for (let i = 0; i < nDomains; i++) {
    let name = `${TOPIC_A[Math.floor(r() * TOPIC_A.length)]} ${TOPIC_B[Math.floor(r() * TOPIC_B.length)]}`;
    if (seen.has(name)) name = `${name} ${i}`;
    seen.add(name);
    domainNames.push(name);
  }
  const personNames = [];
  for (let i = 0; i < nPerson; i++) personNames.push(`${WORDS[Math.floor(r() * WORDS.length)]} ${WORDS[Math.floor(r() * WORDS.length)]} ${i}`);
  const allNames = [...domainNames, ...personNames];
  const folders = Math.max(1, Math.ceil(nPerson / 250));
  const made = new Set();
  let bytes = 0;
  const write = (rel, text) => {
    const abs = path.join(dir, rel);
    const d = path.dirname(abs);
    if (!made.has(d)) {
      fs.mkdirSync(d, { recursive: true });
      made.add(d);
    }
    fs.writeFileSync(abs, text);
    bytes += Buffer.byteLength(text);
  };
  const body = (title, target) => {
    const parts = [`# ${title}`, ''];
    let size = title.length + 4;
    while (size < target) {
      let p = pool[Math.floor(r() * pool.length)];
      const roll = r();
      if (roll < 0.35) p += ` See [[${allNames[Math.floor(r() * allNames.length)]}]].`;
      else if (roll < 0.45) p = `- [ ] ${p.slice(0, 80)}\n- [x] ${p.slice(80, 160)}`;
      else if (roll < 0.55) p = `## ${pool[Math.floor(r() * pool.length)].slice(0, 30).trim()}\n\n${p}`;
      parts.push(p, '');
      size += p.length + 2;
    }
    return parts.join('\n');
  };
  const size = () => 1024 + Math.floor(r() * 7 * 1024);
  const created = () => `2025-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;

  const CONF = ['low', 'medium', 'high'];
  domainNames.forEach((name, i) => {
    const fm = [
      '---',
      'groundwork: domain',
      `confidence: ${CONF[Math.floor(r() * 3)]}`,
      ...(r() < 0.1 ? ['critical: true'] : []),
      ...(r() < 0.1 ? ['autonomy: assist'] : []),
      `tags: [domain, ${TOPIC_B[i % TOPIC_B.length]}]`,
      `created: ${created()}`,
      '---',
      '',
    ].join('\n');
    write(`Domains/${name}.md`, fm + body(name, size()));
  });
  personNames.forEach((name, i) => {
    const roll = r();
    const lines = ['---', `created: ${created()}`, `tags: [${WORDS[i % WORDS.length]}, note]`];
    if (roll < 0.55) lines.push(`domain: ${yamlQuote(`[[${domainNames[Math.floor(r() * nDomains)]}]]`)}`);
    else if (roll < 0.62) lines.push('domain:', `  - ${yamlQuote(`[[${domainNames[Math.floor(r() * nDomains)]}]]`)}`, `  - ${yamlQuote(`[[${domainNames[Math.floor(r() * nDomains)]}]]`)}`);
    if (r() < 0.2) lines.push(`aliases: [${yamlQuote(name.toUpperCase())}]`);
    if (r() < 0.1) lines.push(`confidence: ${CONF[Math.floor(r() * 3)]}`);
    lines.push('---', '');
    write(`Area ${String(i % folders).padStart(2, '0')}/${name}.md`, lines.join('\n') + body(name, size()));
  });
  for (let i = 0; i < researched; i++) {
    const name = domainNames[i];
    const link = yamlQuote(`[[${name}]]`);
    const base = `Groundwork/${name}/${name}`;
    write(`${base} sources.md`, `---\ngroundwork: sources\ndomain: ${link}\nconfidence: low\nstatus: draft\ngenerated: 2026-01-02T10:00:00.000Z\nmodel: bench\ntokens: 4200\n---\n\n${body(`${name} sources`, size())}`);
    write(
      `${base} distillate.md`,
      `---\ngroundwork: distillate\ndomain: ${link}\nconfidence: ${r() < 0.5 ? 'low' : 'high'}\nstatus: draft\nsources: ${yamlQuote(`[[${name} sources]]`)}\ngenerated: 2026-01-02T10:00:00.000Z\nmodel: bench\ntokens: 2600\n---\n\n${body(`${name} distillate`, size())}`,
    );
    write(`${base} critique.md`, `---\ngroundwork: critique\ndomain: ${link}\nconfidence: low\nverdict: revise\ngenerated: 2026-01-02T10:00:00.000Z\nmodel: bench\n---\n\n- [ ] A weak spot [S1]\n\n${body(`${name} critique`, size())}`);
  }
  for (let i = 0; i < nProposals; i++) {
    const name = domainNames[i % nDomains];
    write(
      `Groundwork/Inbox/Proposal ${i}.md`,
      `---\ngroundwork: proposal\ndomain: ${yamlQuote(`[[${name}]]`)}\nconfidence: low\nstatus: pending\nmode: propose\ntarget: ${yamlQuote(`[[${personNames[i % Math.max(1, nPerson)] ?? name}]]`)}\ntask: Tidy the note\ngenerated: 2026-01-02T10:00:00.000Z\n---\n\n${body(`Proposal ${i}`, 1500)}`,
    );
  }
  return { notes: nDomains + nPerson + nGenerated + nProposals, domains: nDomains, generated: nGenerated + nProposals, bytes, domainNames };
}
