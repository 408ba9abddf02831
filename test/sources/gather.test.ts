import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/sources/index-store';
import { gatherSources } from '../../src/sources/gather';
import { searxAnswer, startWebServer, type WebServer } from '../support/web-server';
import { htmlToText, OUT, vaultWith } from './helpers';

let web: WebServer;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  web = await startWebServer();
  web.route('/paper', { type: 'text/plain', body: 'The LoRA paper, as text.' });
  web.route('/blog', { body: '<html><head><title>Blog</title></head><body><p>A blog post on ranks.</p></body></html>' });
  web.route('/given', { type: 'text/markdown', body: '# Given on the command\n\ntext' });
  web.route('/image.png', { type: 'image/png', body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
  web.route('/found-1', { type: 'text/plain', body: 'search result one' });
  web.route('/found-2', { type: 'text/plain', body: 'search result two' });
});
afterAll(() => web.close());
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function setup(domainBody: string) {
  const v = await vaultWith({
    'LoRA.md': `---\ngroundwork: domain\n---\n# LoRA\n\nLow-rank adaptation.\n\n${domainBody}\n`,
    'Member.md': '---\ndomain: "[[LoRA]]"\n---\nA member note.\n',
    'Linked.md': 'Linked from the domain note.\n',
    'Backlinker.md': 'Points to [[LoRA]].\n',
    'Words.md': 'Nothing links here, but low-rank adaptation is discussed.\n',
    'Groundwork/LoRA/LoRA distillate.md': '---\ngroundwork: distillate\nconfidence: low\ndomain: "[[LoRA]]"\n---\nLow-rank adaptation [[LoRA]].\n',
  });
  cleanups.push(v.cleanup);
  const index = await buildIndex(v.vault, v.model, OUT);
  return { vault: v.vault, model: v.model, index, domainPath: 'LoRA.md', outputFolder: OUT, fetch: globalThis.fetch, htmlToText, addresses: { allowHosts: ['127.0.0.1'] } };
}

describe('gatherSources', () => {
  it('numbers vault notes, then URLs of the domain note and the command, then search results, failures kept', async () => {
    web.route('/search', searxAnswer([{ url: web.at('/found-1') }, { url: web.at('/paper') }, { url: web.at('/found-2') }]));
    const base = await setup(`See [[Linked]], ${web.at('/paper')} and [blog](${web.at('/blog')}), ![img](${web.at('/image.png')}).`);
    const progress: Array<[number, number, string]> = [];
    const sources = await gatherSources({
      ...base,
      maxSources: 20,
      urls: [web.at('/given'), web.at('/image.png'), 'file:///etc/passwd', web.at('/paper')],
      searchEndpoint: web.at('/search'),
      onProgress: (d, t, l) => progress.push([d, t, l]),
    });
    expect(sources.map((s) => s.id)).toEqual(sources.map((_, i) => `S${i + 1}`));
    // Notes first (ranked: see vault-retrieval.test.ts), then the person's URLs, then search results.
    expect(sources[0]).toMatchObject({ kind: 'note', reason: 'domain note', ref: 'LoRA.md' });
    expect(sources.slice(1, 5).map((s) => [s.kind, s.reason, s.ref]).sort()).toEqual([
      ['note', 'backlink', 'Backlinker.md'],
      ['note', 'full-text', 'Words.md'],
      ['note', 'link', 'Linked.md'],
      ['note', 'member', 'Member.md'],
    ]);
    expect(sources.slice(5).map((s) => [s.kind, s.reason, s.ref])).toEqual([
      ['web', 'url', web.at('/paper')],
      ['web', 'url', web.at('/blog')],
      ['web', 'url', web.at('/given')],
      ['web', 'url', web.at('/image.png')],
      ['web', 'url', 'file:///etc/passwd'],
      ['web', 'search', web.at('/found-1')],
      ['web', 'search', web.at('/found-2')],
    ]);
    const byRef = (ref: string) => sources.find((s) => s.ref === ref)!;
    expect(byRef(web.at('/paper')).text).toBe('The LoRA paper, as text.');
    expect(byRef(web.at('/blog')).text).toContain('A blog post on ranks.');
    expect(byRef(web.at('/given')).title).toBe('Given on the command');
    expect(byRef(web.at('/image.png')).error).toBe('not text (image/png)');
    expect(byRef('file:///etc/passwd').error).toBe('only http(s) URLs are fetched');
    expect(byRef(web.at('/found-2')).text).toBe('search result two');
    expect(sources.map((s) => s.ref)).not.toContain('Groundwork/LoRA/LoRA distillate.md');
    expect(progress).toHaveLength(sources.length);
    expect(progress.map((p) => p[0])).toEqual(sources.map((_, i) => i + 1));
    expect(progress.every((p) => p[1] === sources.length)).toBe(true);
    for (const req of web.requests) expect(req.headers.authorization).toBeUndefined();
  });

  it('caps at maxSources usable sources, keeping room for the URLs the person gave; a failed URL hands its slot to the next note', async () => {
    const base = await setup('No URLs here. [[Linked]]');
    const ranked = (await gatherSources({ ...base, maxSources: 10 })).map((s) => s.ref);
    const sources = await gatherSources({ ...base, maxSources: 4, urls: [web.at('/image.png'), web.at('/given')] });
    expect(sources.map((s) => [s.id, s.ref, s.error ?? null])).toEqual([
      ['S1', 'LoRA.md', null],
      ['S2', ranked[1], null],
      ['S3', web.at('/image.png'), 'not text (image/png)'],
      ['S4', web.at('/given'), null],
      ['S5', ranked[2], null],
    ]);
    expect(sources.filter((s) => !s.error)).toHaveLength(4);
    const one = await gatherSources({ ...base, maxSources: 1, urls: [web.at('/given')] });
    expect(one.map((s) => s.ref)).toEqual(['LoRA.md']);
    expect(await gatherSources({ ...base, maxSources: 0 })).toEqual([]);
  });

  it('lists a failing search endpoint as a failed source and goes on', async () => {
    const base = await setup('');
    const sources = await gatherSources({ ...base, maxSources: 10, searchEndpoint: web.at('/no-search-here') });
    const last = sources.at(-1)!;
    expect(last).toMatchObject({ kind: 'web', reason: 'search', text: '', ref: web.at('/no-search-here') });
    expect(last.error).toBe(`Search endpoint ${web.at('/no-search-here')}: HTTP 404`);
    expect(sources[0]!.ref).toBe('LoRA.md');
  });

  it('stops with the abort error when the run is cancelled', async () => {
    web.route('/hang', { hang: true });
    const base = await setup(`${web.at('/hang')}`);
    const run = new AbortController();
    const pending = gatherSources({ ...base, signal: run.signal, onProgress: (_d, _t, label) => label === 'Words.md' && run.abort() });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('hands on the domain note as S1 before the full-text index is ready, so its digest need not wait for it', async () => {
    const base = await setup('See [[Linked]].');
    let indexAsked = false;
    let release: () => void = () => {};
    const ready = new Promise<void>((r) => (release = r));
    const handed: string[] = [];
    const gathering = gatherSources({
      ...base,
      maxSources: 4,
      index: async () => {
        indexAsked = true;
        await ready;
        return base.index;
      },
      onSource: (s) => {
        handed.push(`${s.id} ${s.ref}`);
        // The index is still loading when the domain note arrives.
        if (s.id === 'S1') release();
      },
    });
    const sources = await gathering;
    expect(indexAsked).toBe(true);
    expect(handed[0]).toBe('S1 LoRA.md');
    // Handed on once, numbered as the list numbers it.
    expect(handed.filter((h) => h.startsWith('S1 '))).toHaveLength(1);
    expect(handed.sort()).toEqual(sources.filter((s) => !s.error).map((s) => `${s.id} ${s.ref}`).sort());
    expect(sources[0]).toMatchObject({ id: 'S1', ref: 'LoRA.md', reason: 'domain note' });
  });
});
