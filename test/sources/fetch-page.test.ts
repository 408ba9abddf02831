import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPage } from '../../src/sources/fetch-page';
import { searchWeb } from '../../src/sources/search-endpoint';
import { searxAnswer, startWebServer, type WebServer } from '../support/web-server';
import { htmlToText } from './helpers';

let web: WebServer;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const ARTICLE = `<html><head><title>Rank</title><script>var leaked = "script-text"</script><style>body{color:red}</style></head>
<body><nav>menu</nav><main><h1>Choosing the rank</h1>${'<p>Rank eight is a common default for adapters and works well in practice. '.repeat(5)}</p>
<p>Second paragraph.</p></main></body></html>`;

beforeAll(async () => {
  web = await startWebServer();
  web.route('/article', { body: ARTICLE });
  web.route('/plain', { type: 'text/plain; charset=utf-8', body: 'First line\r\nsecond line\r\n' });
  web.route('/markdown', { type: 'text/markdown', body: '# Notes on rank\n\nbody' });
  web.route('/data.json', { type: 'application/json', body: '{"a":1,"b":[true]}' });
  web.route('/bad.json', { type: 'application/json', body: '{nope' });
  web.route('/image.png', { type: 'image/png', body: PNG });
  web.route('/missing', { status: 404, type: 'text/html', body: 'gone' });
  web.route('/hang', { hang: true });
  web.route('/hang-body', { type: 'text/plain', hangBody: true, body: 'a start' });
  web.route('/huge', { type: 'text/plain', streamBytes: 50_000_000 });
  web.route('/huge-declared', { type: 'text/plain', body: 'x'.repeat(5000) });
  web.route('/untyped-html', { type: null, body: '<!DOCTYPE html><html><body><p>untyped page</p></body></html>' });
  web.route('/untyped-binary', { type: null, body: Buffer.from([1, 0, 2, 0]) });
  web.route('/to-js', { status: 302, headers: { location: 'javascript:alert(1)' } });
  web.route('/to-file', { status: 301, headers: { location: 'file:///etc/passwd' } });
  web.route('/to-article', { status: 302, headers: { location: '/article' } });
  web.route('/loop', { status: 302, headers: { location: '/loop' } });
  web.route('/search', searxAnswer([
    { url: 'https://one.example/a', title: 'One', content: 'first' },
    { url: 'javascript:alert(1)', title: 'Bad' },
    { url: 'https://one.example/a#dup', title: 'Dup' },
    { url: 'https://two.example/b', title: 'Two' },
  ]));
  web.route('/search-html', { body: '<html>not json</html>' });
});
afterAll(() => web.close());

// The test server is on loopback: allowed by name, as a person would with --allow-host.
const opts = { fetch: globalThis.fetch, htmlToText, addresses: { allowHosts: ['127.0.0.1'] } };

describe('fetchPage', () => {
  it('reduces an HTML page to readable text, with title and fingerprint', async () => {
    const s = await fetchPage(web.at('/article'), { ...opts, reason: 'url' });
    expect(s.error).toBeUndefined();
    expect(s).toMatchObject({ kind: 'web', ref: web.at('/article'), reason: 'url' });
    expect(s.title).toBeTruthy();
    expect(s.text).toContain('Rank eight is a common default');
    expect(s.text).toContain('Second paragraph.');
    expect(s.text).not.toContain('script-text');
    expect(s.text).not.toContain('color:red');
    expect(s.fingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
  });

  it('sends no Authorization or API key, only Accept and User-Agent: Groundwork', async () => {
    const before = web.requests.length;
    await fetchPage(web.at('/plain'), opts);
    const req = web.requests.slice(before).find((r) => r.path === '/plain')!;
    expect(req.headers['user-agent']).toBe('Groundwork');
    expect(req.headers.accept).toContain('text/html');
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers.cookie).toBeUndefined();
    for (const name of Object.keys(req.headers)) expect(name).not.toMatch(/api[-_]?key|token|auth/i);
  });

  it('takes text, markdown and JSON as text', async () => {
    const plain = await fetchPage(web.at('/plain'), opts);
    expect(plain.text).toBe('First line\nsecond line');
    const md = await fetchPage(web.at('/markdown'), opts);
    expect(md.title).toBe('Notes on rank');
    const json = await fetchPage(web.at('/data.json'), opts);
    expect(json.text).toBe('{\n  "a": 1,\n  "b": [\n    true\n  ]\n}');
    expect((await fetchPage(web.at('/bad.json'), opts)).error).toBe('not valid JSON');
    expect((await fetchPage(web.at('/untyped-html'), opts)).text).toBe('untyped page');
    expect((await fetchPage(web.at('/untyped-binary'), opts)).error).toMatch(/^not text/);
  });

  it('gives an error, not an exception, for non-text, 404 and unreachable sources', async () => {
    const png = await fetchPage(web.at('/image.png'), opts);
    expect(png).toMatchObject({ kind: 'web', text: '', error: 'not text (image/png)' });
    expect((await fetchPage(web.at('/missing'), opts)).error).toBe('HTTP 404');
    const closed = await startWebServer();
    const deadUrl = closed.at('/x');
    await closed.close();
    expect((await fetchPage(deadUrl, opts)).error).toMatch(/^could not reach the site/);
  });

  it('times out a hanging route, before headers and in the middle of the body', async () => {
    expect((await fetchPage(web.at('/hang'), { ...opts, timeoutMs: 300 })).error).toBe('timed out after 300 ms');
    expect((await fetchPage(web.at('/hang-body'), { ...opts, timeoutMs: 300 })).error).toBe('timed out after 300 ms');
  });

  it('stops reading past maxBytes', async () => {
    const huge = await fetchPage(web.at('/huge'), opts);
    expect(huge).toMatchObject({ text: '', error: 'larger than 2 MB' });
    // The server got to write well short of the 50 MB it had to send.
    expect(web.streamedBytes.get('/huge')!).toBeLessThan(50_000_000);
    expect((await fetchPage(web.at('/huge-declared'), { ...opts, maxBytes: 1000 })).error).toBe('larger than 1 kB');
  });

  it('checks the size after the fact when the fetch gives no stream (requestUrl-style)', async () => {
    const noStream = async (url: string, init?: RequestInit): Promise<Response> => {
      const r = await fetch(url, init);
      const headers = new Headers(r.headers);
      headers.delete('content-length');
      const out = new Response(await r.arrayBuffer(), { status: r.status, headers });
      Object.defineProperty(out, 'body', { value: null });
      return out;
    };
    const big = await fetchPage(web.at('/huge-declared'), { ...opts, fetch: noStream, maxBytes: 1000 });
    expect(big.error).toBe('larger than 1 kB');
    const ok = await fetchPage(web.at('/plain'), { ...opts, fetch: noStream });
    expect(ok.text).toBe('First line\nsecond line');
  });

  it('caps the text it keeps', async () => {
    const s = await fetchPage(web.at('/article'), { ...opts, maxChars: 120 });
    expect(s.text).toContain('cut at 120 characters');
    expect(s.text.length).toBeLessThan(160);
  });

  it('refuses non-http(s) URLs and credentials without sending anything', async () => {
    const before = web.requests.length;
    expect((await fetchPage('file:///etc/passwd', opts)).error).toBe('only http(s) URLs are fetched');
    expect((await fetchPage('javascript:alert(1)', opts)).error).toBe('only http(s) URLs are fetched');
    expect((await fetchPage(web.at('/plain').replace('http://', 'http://me:pw@'), opts)).error).toMatch(/user name or password/);
    expect(web.requests.length).toBe(before);
  });

  it('follows an http redirect and refuses one to another scheme', async () => {
    const ok = await fetchPage(web.at('/to-article'), opts);
    expect(ok.error).toBeUndefined();
    expect(ok.ref).toBe(web.at('/to-article'));
    expect(ok.text).toContain('Second paragraph.');
    expect((await fetchPage(web.at('/to-js'), opts)).error).toBe('refused a redirect to javascript: (only http(s) URLs are fetched)');
    expect((await fetchPage(web.at('/to-file'), opts)).error).toBe('refused a redirect to file: (only http(s) URLs are fetched)');
    expect((await fetchPage(web.at('/loop'), opts)).error).toBe('more than 5 redirects');
  });

  it('throws when the run is cancelled, so cancel stops the run', async () => {
    const run = new AbortController();
    const pending = fetchPage(web.at('/hang'), { ...opts, signal: run.signal, timeoutMs: 60_000 });
    setTimeout(() => run.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(fetchPage(web.at('/plain'), { ...opts, signal: run.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('searchWeb', () => {
  it('reads SearXNG JSON results: http(s) only, de-duplicated, limited', async () => {
    const before = web.requests.length;
    const results = await searchWeb(web.at('/search'), 'low rank', { fetch: globalThis.fetch, limit: 5 });
    expect(results).toEqual([
      { url: 'https://one.example/a', title: 'One', snippet: 'first' },
      { url: 'https://two.example/b', title: 'Two', snippet: '' },
    ]);
    const req = web.requests.slice(before)[0]!;
    expect(req.path).toBe('/search?q=low+rank&format=json');
    expect(req.headers.authorization).toBeUndefined();
    expect(await searchWeb(web.at('/search'), 'x', { fetch: globalThis.fetch, limit: 1 })).toHaveLength(1);
  });

  it('throws a plain error naming the endpoint (without its query string)', async () => {
    await expect(searchWeb(web.at('/nowhere?token=secret'), 'x', { fetch: globalThis.fetch })).rejects.toThrow(
      `Search endpoint ${web.at('/nowhere')}: HTTP 404`,
    );
    await expect(searchWeb(web.at('/search-html'), 'x', { fetch: globalThis.fetch })).rejects.toThrow(/not JSON/);
    await expect(searchWeb(web.at('/hang'), 'x', { fetch: globalThis.fetch, timeoutMs: 300 })).rejects.toThrow(/timed out after 300 ms/);
    await expect(searchWeb('file:///x', 'x', { fetch: globalThis.fetch })).rejects.toThrow(/only http\(s\)/);
    try {
      await searchWeb(web.at('/nowhere?token=secret'), 'x', { fetch: globalThis.fetch });
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });
});
