/**
 * Secrets and network: the API key is sent to the model endpoint and nowhere else, and is never
 * written or printed — not in data.json, the journal, the cache, notes, stdout/stderr or error
 * messages, even when a server echoes it back. Only the model endpoint, the search endpoint and
 * the sources' own URLs are contacted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { searxAnswer, startWebServer, type WebServer } from '../support/web-server';
import { EXAMPLE_VAULT, snapshot, tempVault } from '../support/temp-vault';
import { BIN, runCli, type CliResult } from '../support/run-cli';
import { expectOneClearLine } from './helpers';

const KEY = 'sk-DISTINCTIVE-k3y-5afe7y-0123456789abcdef';

let server: OpenAiTestServer;
let web: WebServer;
let search: WebServer;
let vault: { dir: string; cleanup: () => void };
let fetched: string[];
const realFetch = globalThis.fetch;

beforeEach(async () => {
  server = await OpenAiTestServer.start({ handler: scriptedAgents(), requireKey: KEY });
  web = await startWebServer();
  web.route('/lora', { body: '<html><head><title>LoRA notes</title></head><body><article><p>Adapters train few parameters; the base stays frozen.</p></article></body></html>' });
  web.route('/found', { body: '<html><head><title>Found by search</title></head><body><article><p>Rank sets capacity.</p></article></body></html>' });
  search = await startWebServer();
  search.route('/search', searxAnswer([{ url: web.at('/found'), title: 'Found by search', content: 'rank' }]));
  vault = tempVault(EXAMPLE_VAULT);
  // Every URL this process fetches, model client included, to prove no other host is contacted.
  fetched = [];
  const recording: typeof fetch = (input, init) => {
    fetched.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return realFetch(input, init);
  };
  globalThis.fetch = recording;
});
afterEach(async () => {
  globalThis.fetch = realFetch;
  await server.close();
  await web.close();
  await search.close();
  vault.cleanup();
});

const env = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: KEY, GROUNDWORK_MODEL: 'test-model', GROUNDWORK_SEARCH_URL: search.at('/search') });

/** The bin as a real process, without blocking this one (the loopback servers live here). */
function bin(args: string[], e: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...e } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/** Files anywhere in the vault (config folder, journal, cache, trash included) that contain the key. */
function filesWithKey(): string[] {
  return [...snapshot(vault.dir)].filter(([, v]) => v.includes(KEY) || v.includes(Buffer.from(KEY, 'utf16le'))).map(([k]) => k);
}

describe('the API key', () => {
  it('research + skeleton + task + accept + undo (in-process and the real bin): the key is in no file and no output', async () => {
    const outputs: CliResult[] = [];
    const e = env();
    outputs.push(await runCli(['research', vault.dir, 'LoRA fine-tuning', '--url', web.at('/lora'), '--allow-host', '127.0.0.1', '--json'], e));
    outputs.push(await bin(['skeleton', vault.dir, 'LoRA fine-tuning'], e));
    const task = await runCli(['run', vault.dir, 'LoRA fine-tuning', '--task', 'Summarize', '--note', 'Notes/Adapter rank experiments.md', '--json'], e);
    outputs.push(task);
    const proposal = (JSON.parse(task.stdout) as { proposalPath: string }).proposalPath;
    outputs.push(await bin(['accept', vault.dir, proposal, '--option', '2'], e));
    outputs.push(await runCli(['run', vault.dir, 'Static site builds', '--task', 'Add a rollback step', '--note', 'Notes/Blog deploy checklist.md'], e));
    outputs.push(await bin(['undo', vault.dir], e));
    outputs.push(await runCli(['inbox', vault.dir, '--json'], e));
    outputs.push(await runCli(['research', vault.dir, 'Kubernetes', '--dry-run'], e));
    expect(outputs.map((o) => o.code)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);

    // The run really used the journal, the cache and the data folder…
    const files = [...snapshot(vault.dir).keys()];
    expect(files.some((f) => f.startsWith('.obsidian/plugins/groundwork/journal/'))).toBe(true);
    expect(files.some((f) => f.startsWith('.obsidian/plugins/groundwork/cache/'))).toBe(true);
    expect(files.some((f) => f.startsWith('.obsidian/plugins/groundwork/digests/'))).toBe(true);
    expect(files).toContain('Groundwork/Journal.md');
    // …and the key is nowhere in it, nor in anything printed.
    expect(filesWithKey()).toEqual([]);
    for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(KEY);
    // It was sent, to the model endpoint only, on every call.
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  });

  it('a server that echoes the key in its error: the error line does not repeat it', async () => {
    await server.close();
    server = await OpenAiTestServer.start({
      handler: (_b, req) => ({ status: 400, errorMessage: `Invalid request for key ${String(req.headers.authorization).replace('Bearer ', '')}: model not allowed` }),
    });
    for (const run of [() => runCli(['research', vault.dir, 'Kubernetes'], env()), () => bin(['research', vault.dir, 'Kubernetes'], env())]) {
      const r = await run();
      expect(r.code).toBe(1);
      const line = expectOneClearLine(r.stderr);
      expect(line).toMatch(/rejected \(400\)/);
      expect(r.stdout + r.stderr).not.toContain(KEY);
    }
    expect(filesWithKey()).toEqual([]);
  });

  it('a wrong key: one clear line that says the key was refused, without printing either key', async () => {
    const r = await runCli(['research', vault.dir, 'Kubernetes'], { ...env(), OPENAI_API_KEY: `${KEY}-wrong` });
    expect(r.code).toBe(1);
    expect(expectOneClearLine(r.stderr)).toMatch(/API key is missing or wrong \(401\)/);
    expect(r.stderr + r.stdout).not.toContain(KEY);
    expect(filesWithKey()).toEqual([]);
  });
});

describe('the network', () => {
  it('only the model endpoint, the search endpoint and the sources\' own URLs are contacted; sources never get the key', async () => {
    const r = await runCli(['research', vault.dir, 'LoRA fine-tuning', '--url', web.at('/lora'), '--allow-host', '127.0.0.1', '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    const refs = (JSON.parse(r.stdout) as { sources: { ref: string }[] }).sources.map((s) => s.ref);
    expect(refs).toEqual(expect.arrayContaining([web.at('/lora'), web.at('/found')]));

    const origins = new Set(fetched.map((u) => new URL(u).origin));
    expect([...origins].sort()).toEqual([new URL(server.url).origin, web.url, search.url].sort());
    // Per server: the model server got only chat calls; the web server only the two pages; the search server one query.
    expect(server.requests.every((q) => q.path === '/v1/chat/completions')).toBe(true);
    expect(web.requests.map((q) => q.path).sort()).toEqual(['/found', '/lora']);
    expect(search.requests).toHaveLength(1);
    expect(search.requests[0]!.path).toMatch(/^\/search\?q=.+&format=json$/);
    // No credential of any kind went to a source or to the search endpoint.
    for (const q of [...web.requests, ...search.requests]) {
      expect(q.headers.authorization).toBeUndefined();
      expect(q.headers.cookie).toBeUndefined();
      expect(JSON.stringify(q.headers)).not.toContain(KEY);
      expect(q.path).not.toContain(KEY);
    }
  });

  it('the real bin contacts the same three servers, and the sources still get no key', async () => {
    const r = await bin(['research', vault.dir, 'LoRA fine-tuning', '--url', web.at('/lora'), '--allow-host', '127.0.0.1'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(server.chatRequests.length).toBeGreaterThan(0);
    expect(web.requests.map((q) => q.path).sort()).toEqual(['/found', '/lora']);
    expect(search.requests).toHaveLength(1);
    for (const q of [...web.requests, ...search.requests]) {
      expect(q.headers.authorization).toBeUndefined();
      expect(JSON.stringify(q.headers)).not.toContain(KEY);
    }
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(filesWithKey()).toEqual([]);
  });
});
