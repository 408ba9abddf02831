/**
 * Time from a CLI `research` start to its first model request: the bundled CLI (argv[2]) runs as
 * a child process on the vault (argv[3]) and domain (argv[4]) against the loopback test server,
 * which records when the first chat request arrives and never answers it; the child is then
 * killed. The full-text index is whatever the data folder holds (the caller warms it first).
 * Runs argv[5] times; prints one JSON object.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { OpenAiTestServer } from '../../test/support/openai-server';
import { median, round } from './stats';

async function once(cli: string, vault: string, domain: string): Promise<number> {
  let first: number | null = null;
  let arrived: () => void = () => {};
  const server = await OpenAiTestServer.start({
    handler: () => {
      first ??= performance.now();
      arrived();
      return { hang: true };
    },
  });
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'research', vault, domain, '--no-cache'], {
    env: { ...process.env, OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'bench-model', OPENAI_API_KEY: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const got = new Promise<void>((resolve) => (arrived = resolve));
  const outcome = await Promise.race([got.then(() => 'request' as const), exited.then(() => 'exit' as const)]);
  child.kill('SIGKILL');
  await exited;
  await server.close();
  if (outcome !== 'request' || first === null) throw new Error(`research ended before any model request: ${stderr.slice(-1500)}`);
  return first - t0;
}

async function main(): Promise<void> {
  const [cli, vault, domain] = process.argv.slice(2, 5) as [string, string, string];
  const runs = Number(process.argv[5] ?? 3);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(await once(cli, vault, domain));
  process.stdout.write(`${JSON.stringify({ runs, medianMs: round(median(ms), 0), allMs: ms.map((x) => round(x, 0)) })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
