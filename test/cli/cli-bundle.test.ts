import { afterEach, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { readdirSync } from 'node:fs';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';
import { startWebServer, type WebServer } from '../support/web-server';
import { runBinAsync } from '../support/child-process';
import { runCli } from '../support/run-cli';

/**
 * The CLI ships as an ES module split into chunks (esbuild.config.mjs) and loads the HTML reader
 * only when a page is converted. These drive the built bin as a person runs it, on the paths
 * where the split shows: a command that loads few chunks, and one that loads the rest later.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('the built CLI', () => {
  it('is one entry and its chunks, and prints the same map as the source', async () => {
    const dist = path.resolve(__dirname, '../../dist');
    expect(readdirSync(dist)).toContain('cli.mjs');
    expect(readdirSync(path.join(dist, 'cli')).every((f) => f.endsWith('.mjs'))).toBe(true);
    const v = tempVault(EXAMPLE_VAULT);
    cleanups.push(v.cleanup);
    const built = await runBinAsync(['map', v.dir, '--json']);
    expect(built.code).toBe(0);
    expect(built.stdout).toBe((await runCli(['map', v.dir, '--json'])).stdout);
  });

  it('converts a web page to text with the HTML reader it loads on first use', async () => {
    const web: WebServer = await startWebServer();
    cleanups.push(() => web.close());
    web.route('/lora', {
      type: 'text/html; charset=utf-8',
      body: '<html><head><title>LoRA explained</title><script>document.title = "pwned"</script></head><body><article><h1>LoRA explained</h1><p>Low-rank adapters train a small number of parameters while the base model stays frozen, so one base model serves many tasks.</p></article></body></html>',
    });
    const v = tempVault(EXAMPLE_VAULT);
    cleanups.push(v.cleanup);
    const r = await runBinAsync(['research', v.dir, 'LoRA fine-tuning', '--url', web.at('/lora'), '--allow-host', '127.0.0.1', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { sources: { kind: string; ref: string; title: string; error?: string }[] };
    const page = out.sources.find((s) => s.kind === 'web');
    expect(page).toMatchObject({ ref: web.at('/lora'), title: 'LoRA explained' });
    expect(page?.error).toBeUndefined();
  });
});
