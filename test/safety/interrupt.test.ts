/**
 * Interrupts: a real SIGINT to the installed bin while each stage of a research run is in flight.
 * The person's notes stay byte-identical, nothing half-written is left, the bin says in one line
 * that it was cancelled and exits 1, and a retry reuses every digest already made.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { OpenAiTestServer, type ChatRequestBody } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';
import { BIN, runCli } from '../support/run-cli';
import { startWebServer, type WebServer } from '../support/web-server';
import { bytesLost, expectOneClearLine, expectSoundOutput, personFiles, readIf } from './helpers';

const schemaOf = (b: ChatRequestBody): string => b.response_format?.json_schema?.name ?? '?';
const DOMAIN = 'LoRA fine-tuning';

let server: OpenAiTestServer;
let web: WebServer;
let onSlowPage: (() => void) | null = null;
let vault: { dir: string; cleanup: () => void };
/** Replies of this schema wait until the client gives up (SIGINT closes the connection). */
let holdSchema: string | null;
/** Digests after the first one are held too, so the scout stage is caught half done. */
let digestsAnswered = 0;

beforeEach(async () => {
  holdSchema = null;
  digestsAnswered = 0;
  const healthy = scriptedAgents();
  server = await OpenAiTestServer.start({
    handler: (body, req) => {
      const s = schemaOf(body);
      if (s === holdSchema && !(s === 'source_digest' && digestsAnswered === 0)) return { hang: true };
      if (s === 'source_digest') digestsAnswered++;
      return healthy(body, req);
    },
  });
  vault = tempVault(EXAMPLE_VAULT);
  web = await startWebServer();
  // Never answers; the moment the scout asks for it, the fetch is in flight and the test interrupts.
  web.route('/slow', () => onSlowPage?.());
});
afterEach(async () => {
  await server.close();
  await web.close();
  vault.cleanup();
});

const env = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-interrupt-key', GROUNDWORK_MODEL: 'test-model' });
const digestCalls = () => server.chatRequests.filter((r) => r.body && schemaOf(r.body) === 'source_digest').length;

/** Starts the bin, sends SIGINT once stderr shows `stageLine`, and returns how it ended. */
function interruptAt(stageLine: RegExp, extra: string[]): Promise<{ code: number | null; stderr: string; stdout: string; signalled: boolean }> {
  const child = spawn(process.execPath, [BIN, 'research', vault.dir, DOMAIN, '--max-sources', '4', ...extra], { env: { ...process.env, ...env(), GROUNDWORK_DEBUG: process.env.DBG ?? '' } });
  let stderr = '';
  let stdout = '';
  let signalled = false;
  onSlowPage = () => {
    signalled = true;
    child.kill('SIGINT');
  };
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!signalled && stageLine.test(stderr)) {
      signalled = true;
      child.kill('SIGINT');
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr, stdout, signalled })));
}

const stages: Array<{ stage: string; hold: string; line: RegExp; wrote: string[]; missing: string[]; slowUrl?: boolean }> = [
  // A page that never answers keeps the scout gathering until the interrupt.
  { stage: 'scout (gathering a page)', hold: '-', line: /$^/, wrote: [], missing: ['sources', 'distillate', 'critique'], slowUrl: true },
  { stage: 'scout (digests half done)', hold: 'source_digest', line: /\[digest 1(\/\d+)?\] Digested/, wrote: [], missing: ['sources', 'distillate', 'critique'] },
  { stage: 'distiller', hold: 'distillate', line: /\[distiller\]/, wrote: ['sources'], missing: ['distillate', 'critique'] },
  { stage: 'critic', hold: 'critique', line: /\[critic\]/, wrote: ['sources', 'distillate'], missing: ['critique'] },
];

describe('SIGINT to the bin at each stage of a research run', () => {
  for (const s of stages) {
    it(`during the ${s.stage}: one line, exit 1, nothing lost or half-written; the retry reuses the digests`, async () => {
      holdSchema = s.hold;
      const before = personFiles(vault.dir);
      const r = await interruptAt(s.line, s.slowUrl ? ['--url', web.at('/slow'), '--allow-host', '127.0.0.1'] : []);
      expect(r.signalled).toBe(true);
      expect(r.code).toBe(1);
      expect(expectOneClearLine(r.stderr)).toMatch(/^groundwork: Cancelled; notes written before the cancel are kept, nothing else was written$/);
      expect(bytesLost(before, personFiles(vault.dir))).toBe(0);
      expect(personFiles(vault.dir)).toEqual(before);
      expectSoundOutput(vault.dir);
      const gen = (k: string) => readIf(path.join(vault.dir, `Groundwork/${DOMAIN}/${DOMAIN} ${k}.md`));
      for (const k of s.wrote) expect(gen(k)).toContain(`groundwork: ${k}`);
      for (const k of s.missing) expect(gen(k)).toBeNull();

      holdSchema = null;
      const calls = digestCalls();
      const retry = await runCli(['research', vault.dir, DOMAIN, '--max-sources', '4', '--json'], env());
      expect(retry.code).toBe(0);
      const sources = (JSON.parse(retry.stdout) as { sources: { error?: string }[] }).sources.filter((x) => !x.error).length;
      const digests = digestCalls() - calls;
      // Digests start as each source is read, so even a cancel while a page loads leaves the
      // notes' digests done: the retry reuses them.
      expect(digests).toBeLessThan(sources);
      if (s.hold !== 'source_digest' && !s.slowUrl) expect(digests).toBe(0);
      expectSoundOutput(vault.dir);
      expect(gen('critique')).toContain('groundwork: critique');
    });
  }
});
