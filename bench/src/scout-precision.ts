/**
 * Scout precision on the ranking vault (test/support/ranking-vault.ts): of the notes the scout
 * picks for "Bases" with 5 sources (the domain note aside), the share that are the on-topic
 * pages; the unreachable URL must not take a slot. Prints one JSON object.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DOMParser } from 'linkedom';
import { NodeVault } from '../../src/cli/node-vault';
import { loadModel } from '../../src/vault/load-model';
import { buildIndex } from '../../src/sources/index-store';
import { gatherSources } from '../../src/sources/gather';
import { makeHtmlToText, type DomParserConstructor } from '../../src/sources/html-text';
import { ON_TOPIC, RANKING_DOMAIN, rankingVault } from '../../test/support/ranking-vault';
import { startWebServer } from '../../test/support/web-server';

async function main(): Promise<void> {
  const web = await startWebServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-ranking-'));
  try {
    for (const [rel, text] of Object.entries(rankingVault(web.at('/gone')))) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const vault = new NodeVault(dir);
    const model = await loadModel(vault, 'Groundwork');
    const index = await buildIndex(vault, model, 'Groundwork');
    const sources = await gatherSources({ vault, model, index, domainPath: RANKING_DOMAIN, outputFolder: 'Groundwork', maxSources: 5, fetch: globalThis.fetch, htmlToText: makeHtmlToText(DOMParser as unknown as DomParserConstructor), addresses: { allowHosts: ['127.0.0.1'] } });
    const picked = sources.filter((s) => !s.error && s.kind === 'note' && s.ref !== RANKING_DOMAIN).map((s) => s.ref);
    const hits = picked.filter((p) => ON_TOPIC.includes(p)).length;
    process.stdout.write(`${JSON.stringify({ picked, precision: picked.length ? hits / picked.length : 0, usable: sources.filter((s) => !s.error).length, failed: sources.filter((s) => s.error).map((s) => s.ref) })}\n`);
  } finally {
    await web.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
