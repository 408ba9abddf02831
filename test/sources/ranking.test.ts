import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gatherSources } from '../../src/sources/gather';
import { buildIndex } from '../../src/sources/index-store';
import { gatherVaultCandidates, hubFactor } from '../../src/sources/vault-retrieval';
import { guessLanguage } from '../../src/sources/language';
import { OFF_TOPIC_LINKED, ON_TOPIC, RANKING_DOMAIN, rankingVault } from '../support/ranking-vault';
import { startWebServer, type WebServer } from '../support/web-server';
import { htmlToText, OUT, vaultWith } from './helpers';

let web: WebServer;
const cleanups: Array<() => void> = [];
beforeAll(async () => {
  web = await startWebServer();
});
afterAll(() => web.close());
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function setup() {
  const v = await vaultWith(rankingVault(web.at('/gone')));
  cleanups.push(v.cleanup);
  return { vault: v.vault, model: v.model, index: await buildIndex(v.vault, v.model, OUT), domainPath: RANKING_DOMAIN, outputFolder: OUT };
}

describe('the scout ranks sources by relevance and distance', () => {
  it('hubs, a translation and an unreachable URL lose to the directly linked on-topic pages', async () => {
    const base = await setup();
    const sources = await gatherSources({ ...base, maxSources: 5, fetch: globalThis.fetch, htmlToText, addresses: { allowHosts: ['127.0.0.1'] } });
    const usable = sources.filter((s) => !s.error);
    expect(usable).toHaveLength(5);
    expect(usable[0]!.ref).toBe(RANKING_DOMAIN);
    expect(usable.slice(1).map((s) => s.ref).sort()).toEqual([...ON_TOPIC].sort());
    // The URL is listed, as not usable, but took no slot.
    const failed = sources.filter((s) => s.error);
    expect(failed.map((s) => [s.ref, s.error])).toEqual([[web.at('/gone'), 'HTTP 404']]);
    for (const s of usable.slice(1)) expect(s.score).toBeGreaterThan(0);
  });

  it('scores every on-topic page above every linked hub or translation', async () => {
    const base = await setup();
    const ranked = await gatherVaultCandidates({ ...base, limit: 100 });
    const score = (p: string) => ranked.find((c) => c.path === p)?.score ?? 0;
    const worstOnTopic = Math.min(...ON_TOPIC.map(score));
    for (const p of OFF_TOPIC_LINKED) expect(score(p)).toBeLessThan(worstOnTopic);
    expect(ranked.find((c) => c.path === 'fr/Introduction aux Bases.md')?.reason).toBe('backlink');
  });

  it('tells hubs and languages apart', () => {
    expect(hubFactor(3, 800, 2)).toBe(1);
    expect(hubFactor(31, 1500, 0)).toBeLessThan(0.5);
    expect(hubFactor(2, 400, 42)).toBeLessThan(0.7);
    expect(guessLanguage('Une base est un fichier qui montre les notes comme une base de données, et les vues.')).toBe('fr');
    expect(guessLanguage('A base is a file that shows the notes as a database, and the views of it.')).toBe('en');
    expect(guessLanguage('ベースはノートをデータベースとして表示するファイルです。フィルターでノートを選びます。')).toBe('ja');
    expect(guessLanguage('Bases')).toBeNull();
  });
});
