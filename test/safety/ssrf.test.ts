/**
 * SSRF: a URL from a note, from `--url`, from a search result or from a redirect must not reach
 * the person's own machine or networks — in any spelling of the address — unless the person
 * allowed that host. The configured model and search endpoints are exempt exactly, not other
 * paths of their hosts. The "internal" server here is on loopback, like a router's admin page.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { searxAnswer, startWebServer, type WebServer } from '../support/web-server';
import { EXAMPLE_VAULT, snapshot, tempVault } from '../support/temp-vault';
import { runCli } from '../support/run-cli';

const SECRET = 'INTERNAL-ADMIN-TOKEN-7731';

let server: OpenAiTestServer;
let internal: WebServer;
let search: WebServer;
let vault: { dir: string; cleanup: () => void };

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents() });
  internal = await startWebServer();
  internal.route('/admin', { type: 'text/plain', body: `# Admin\n\n${SECRET}` });
  search = await startWebServer();
  vault = tempVault(EXAMPLE_VAULT);
});
afterEach(async () => {
  await server.close();
  await internal.close();
  await search.close();
  vault.cleanup();
});

const env = (extra: Record<string, string> = {}) => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-ssrf', GROUNDWORK_MODEL: 'test-model', ...extra });
const port = () => new URL(internal.url).port;

/** Did the secret reach the internal server's log, any file of the vault, or the model? */
function leaked(): { requested: number; inVault: string[]; toModel: number } {
  return {
    requested: internal.requests.filter((r) => r.path === '/admin').length,
    inVault: [...snapshot(vault.dir)].filter(([, v]) => v.toString('utf8').includes(SECRET)).map(([k]) => k),
    toModel: server.requests.filter((r) => r.rawBody.includes(SECRET)).length,
  };
}

interface Sources {
  sources: { ref: string; error?: string; reason: string }[];
}

async function research(args: string[], e = env()): Promise<Sources> {
  const r = await runCli(['research', vault.dir, 'LoRA fine-tuning', '--json', ...args], e);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Sources;
}

const spellings = (p: string): string[] => [
  `http://127.0.0.1:${p}/admin`,
  `http://2130706433:${p}/admin`,
  `http://0x7f000001:${p}/admin`,
  `http://0177.0.0.1:${p}/admin`,
  `http://127.1:${p}/admin`,
  `http://localhost:${p}/admin`,
  `http://LOCALHOST.:${p}/admin`,
  `http://[::1]:${p}/admin`,
  `http://[::ffff:127.0.0.1]:${p}/admin`,
  `http://0.0.0.0:${p}/admin`,
];

describe('URLs to the person\'s own machine are refused', () => {
  it('given with --url, in every spelling of loopback: none is requested, nothing reaches the vault or the model', async () => {
    // One run per spelling: the URL parser makes several of them the same URL, which a run would list once.
    for (const url of spellings(port())) {
      const out = await research(['--url', url, '--max-sources', '3']);
      const web = out.sources.filter((s) => s.reason === 'url');
      expect(web, url).toHaveLength(1);
      expect(web[0]!.error, url).toMatch(/^refused: .*(loopback|this machine|unspecified)/);
    }
    expect(leaked()).toEqual({ requested: 0, inVault: [], toModel: 0 });
  });

  it('written in the domain note: refused the same way', async () => {
    appendFileSync(path.join(vault.dir, 'LoRA fine-tuning.md'), `\nSee http://127.0.0.1:${port()}/admin and http://localhost:${port()}/admin\n`);
    const out = await research([]);
    const web = out.sources.filter((s) => s.reason === 'url');
    expect(web.map((s) => s.error)).toEqual([expect.stringMatching(/refused: 127\.0\.0\.1 is a loopback address/), expect.stringMatching(/refused: localhost is this machine/)]);
    expect(leaked()).toEqual({ requested: 0, inVault: [], toModel: 0 });
  });

  it('from search results: the configured endpoint is asked, the loopback results are not fetched', async () => {
    search.route('/search', searxAnswer([
      { url: internal.at('/admin'), title: 'Admin' },
      { url: `http://[::ffff:7f00:1]:${port()}/admin`, title: 'Admin mapped' },
      { url: search.at('/other'), title: 'Same host as the search endpoint, other path' },
    ]));
    search.route('/other', { type: 'text/plain', body: SECRET });
    const out = await research([], env({ GROUNDWORK_SEARCH_URL: search.at('/search') }));
    expect(search.requests.filter((r) => r.path.startsWith('/search'))).toHaveLength(1);
    const found = out.sources.filter((s) => s.reason === 'search');
    expect(found).toHaveLength(3);
    for (const s of found) expect(s.error, s.ref).toMatch(/^refused: /);
    expect(search.requests.filter((r) => r.path === '/other')).toHaveLength(0);
    expect(leaked()).toEqual({ requested: 0, inVault: [], toModel: 0 });
  });

  it('by redirect: an allowed host that redirects to one that is not is refused at that hop', async () => {
    internal.route('/hop', { status: 302, headers: { location: `http://127.0.0.1:${port()}/admin` } });
    const out = await research(['--url', `http://localhost:${port()}/hop`, '--allow-host', 'localhost']);
    const s = out.sources.find((x) => x.reason === 'url')!;
    expect(s.error).toMatch(/redirected to http:\/\/127\.0\.0\.1:\d+\/admin, refused: 127\.0\.0\.1 is a loopback address/);
    expect(internal.requests.map((r) => r.path)).toEqual(['/hop']);
    expect(leaked()).toEqual({ requested: 0, inVault: [], toModel: 0 });
  });

  it('the model endpoint is exempt exactly, not other paths of its host', async () => {
    const out = await research(['--url', `${server.url}/models`, '--url', server.url.replace('/v1', '/admin')]);
    for (const s of out.sources.filter((x) => x.reason === 'url')) expect(s.error, s.ref).toMatch(/^refused: 127\.0\.0\.1 is a loopback address/);
    expect(server.requests.filter((r) => !r.path.endsWith('/chat/completions'))).toEqual([]);
  });

  it('--allow-host opts a host in: then, and only then, the page is read', async () => {
    const out = await research(['--url', internal.at('/admin'), '--allow-host', '127.0.0.1']);
    expect(out.sources.find((s) => s.reason === 'url')).toMatchObject({ ref: internal.at('/admin') });
    expect(out.sources.find((s) => s.reason === 'url')?.error).toBeUndefined();
    expect(leaked().requested).toBe(1);
  });

  it('--allow-host takes a host, not a URL', async () => {
    const r = await runCli(['research', vault.dir, 'LoRA fine-tuning', '--allow-host', 'http://127.0.0.1/'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--allow-host takes a host name or address/);
  });
});
