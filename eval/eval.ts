import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../src/cli/main';
import type { CliIO } from '../src/cli/io';
import { parseNote } from '../src/core/frontmatter';
import { OpenAiTestServer } from '../test/support/openai-server';
import { DEFAULT_PLAN, plantedModel, sentencesOf, type CorpusNote } from './planted-model';
import { score, table, type DomainNotes } from './score';

/**
 * The planted-error eval (`npm run eval`): the research cycle, through the CLI and the real
 * `openai` client, on the fixed corpus in eval/corpus/, against a loopback model that plants
 * known errors (eval/planted-model.ts). Prints per error kind how many were planted, caught and
 * falsely flagged; writes eval/results.json and the table into eval/README.md.
 */

const ROOT = process.env.GROUNDWORK_EVAL_ROOT ?? process.cwd();
const EVAL = path.join(ROOT, 'eval');
const CORPUS = path.join(EVAL, 'corpus');
const MARK_START = '<!-- results:start -->';
const MARK_END = '<!-- results:end -->';

function walk(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, p) : p.endsWith('.md') ? [p] : [];
  });
}

function loadCorpus(): { notes: CorpusNote[]; domains: string[] } {
  const notes: CorpusNote[] = [];
  const domains: string[] = [];
  for (const rel of walk(CORPUS)) {
    const parsed = parseNote(readFileSync(path.join(CORPUS, rel), 'utf8'));
    const title = path.basename(rel, '.md');
    const fm = parsed.frontmatter ?? {};
    if (fm.groundwork === 'domain') {
      domains.push(title);
      notes.push({ domain: title, title, sentences: sentencesOf(parsed.body) });
    } else {
      const domain = /\[\[(.*)\]\]/.exec(String(fm.domain))?.[1] ?? '';
      notes.push({ domain, title, sentences: sentencesOf(parsed.body) });
    }
  }
  return { notes, domains: domains.sort() };
}

async function run(): Promise<void> {
  const started = Date.now();
  const log = (m: string) => process.stderr.write(`[eval ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${m}\n`);
  const { notes, domains } = loadCorpus();
  log(`corpus: ${notes.length} notes on ${domains.length} domains`);
  const model = plantedModel(notes, DEFAULT_PLAN);
  const server = await OpenAiTestServer.start({ handler: model.handler });
  const vault = mkdtempSync(path.join(tmpdir(), 'groundwork-eval-'));
  cpSync(CORPUS, vault, { recursive: true });
  const collected: DomainNotes[] = [];
  try {
    for (const domain of domains) {
      let stderr = '';
      const io: CliIO = {
        out: () => {},
        err: (t) => (stderr += `${t}\n`),
        progress: () => {},
        env: { OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'planted-model' },
        cwd: ROOT,
      };
      const code = await main(['research', vault, domain, '--max-sources', '12', '--no-cache'], io);
      if (code !== 0) throw new Error(`research ${domain} failed (exit ${code}): ${stderr.trim()}`);
      const read = (kind: string) => readFileSync(path.join(vault, 'Groundwork', domain, `${domain} ${kind}.md`), 'utf8');
      collected.push({ domain, sources: read('sources'), critique: read('critique') });
      log(`researched ${domain}`);
    }
  } finally {
    await server.close();
    rmSync(vault, { recursive: true, force: true });
  }
  const { rows, misses } = score(model.ledger, collected);
  const durationMs = Date.now() - started;
  const md = table(rows);
  process.stdout.write(`\nPlanted-error eval: ${notes.length} source notes, ${domains.length} domains, ${model.ledger.quotes.length} digest quotes, ${model.ledger.claims.length} claims (${(durationMs / 1000).toFixed(1)} s)\n\n${md}\n`);
  if (misses.length) {
    process.stdout.write(`\nMisses (${misses.length}):\n`);
    for (const m of misses) process.stdout.write(`- ${m.kind}, ${m.domain} ${m.where}: ${m.what}${m.how ? ` (${m.how})` : ''}${m.quote ? `: "${m.quote}"` : ''}\n`);
  } else process.stdout.write('\nNo misses: every planted error caught, no correct evidence flagged.\n');

  const results = {
    plan: DEFAULT_PLAN,
    corpus: { notes: notes.length, domains },
    durationMs,
    rows,
    misses,
    planted: model.ledger,
  };
  writeFileSync(path.join(EVAL, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const readmePath = path.join(EVAL, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const missText = misses.length ? misses.map((m) => `- ${m.kind}, ${m.domain} ${m.where}: ${m.what}${m.how ? ` (${m.how})` : ''}`).join('\n') : 'No misses.';
  const block = `${MARK_START}\n${md}\n\n${missText}\n\n${model.ledger.quotes.length} digest quotes and ${model.ledger.claims.length} claims; run took ${(durationMs / 1000).toFixed(1)} s.\n${MARK_END}`;
  const a = readme.indexOf(MARK_START);
  const b = readme.indexOf(MARK_END);
  writeFileSync(readmePath, a >= 0 && b > a ? `${readme.slice(0, a)}${block}${readme.slice(b + MARK_END.length)}` : `${readme.trimEnd()}\n\n${block}\n`);
  log('wrote eval/results.json and the table in eval/README.md');
}

run().catch((err: unknown) => {
  process.stderr.write(`eval failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
