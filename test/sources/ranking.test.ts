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

async function setup(extra: Record<string, string> = {}) {
  const v = await vaultWith({ ...rankingVault(web.at('/gone')), ...extra });
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

  it('a note reached only through a hub, saying nothing of the domain, takes no slot; one reached through a small note does', async () => {
    const base = await setup({
      // Linked from an on-topic page that links little else: close, even with few shared words.
      'Bases/Cover images.md': '# Cover images\n\nPick the image property each card shows at its top. See [[Views]].\n',
    });
    const ranked = await gatherVaultCandidates({ ...base, limit: 100 });
    const paths = ranked.map((c) => c.path);
    // Thirty plugin pages and twelve guides are two hops away, through "Core plugins" (31 links)
    // and "Basic formatting syntax" (42 backlinks), and none of them is about bases.
    expect(paths.filter((p) => p.startsWith('Plugins/') || p.startsWith('Guides/'))).toEqual([]);
    expect(ranked.find((c) => c.path === 'Bases/Cover images.md')?.reason).toBe('backlink');
    // The hubs themselves were linked by the person: they stay, ranked low.
    for (const p of ['Core plugins.md', 'Basic formatting syntax.md']) expect(paths).toContain(p);
  });

  it('a note too short to tell its language takes the language of its folder', async () => {
    const french = (title: string) =>
      `# ${title}\n\nUne base est un fichier qui montre les notes comme une base de données, et les vues de la base pour [[Bases]].\n`;
    const base = await setup({
      'fr/Vues.md': '# Vues\n\nVues et cartes : [[Bases]].\n',
      'fr/Filtres.md': french('Filtres'),
      'fr/Formules.md': french('Formules'),
    });
    expect(guessLanguage('# Vues\n\nVues et cartes : [[Bases]].\n')).toBeNull();
    expect(base.index.languageAt('fr/Vues.md')).toBe('fr');
    expect(base.index.languageAt('Bases/Views.md')).toBe('en');
    const ranked = await gatherVaultCandidates({ ...base, limit: 100 });
    const score = (p: string) => ranked.find((c) => c.path === p)?.score ?? 0;
    // A backlink, like the long French translation, and down-weighted as it is.
    expect(score('fr/Vues.md')).toBeGreaterThan(0);
    expect(score('fr/Vues.md')).toBeLessThanOrEqual(score('fr/Introduction aux Bases.md') + 0.05);
    expect(score('fr/Vues.md')).toBeLessThan(0.2);
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
