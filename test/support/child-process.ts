import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

/**
 * Real processes for cross-process tests: a TypeScript entry in test/support is bundled once per
 * test file into a temporary .cjs (esbuild, as the CLI is built), then run with node. Each child
 * gets its arguments as one JSON string and prints its result as JSON on stdout.
 */
const bundles = new Map<string, string>();

export function bundleChild(entry: string): string {
  const cached = bundles.get(entry);
  if (cached) return cached;
  const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'groundwork-child-')), `${path.basename(entry, '.ts')}.cjs`);
  buildSync({ entryPoints: [entry], bundle: true, outfile, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' });
  bundles.set(entry, outfile);
  return outfile;
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a bundled child with one JSON argument; resolves when it exits, whatever its code. */
export function runChild(bundle: string, arg: unknown, env: Record<string, string> = {}): Promise<ChildResult> & { pid: () => number | undefined; kill: (sig: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [bundle, JSON.stringify(arg)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ChildResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(done, { pid: () => child.pid, kill: (sig: NodeJS.Signals) => void child.kill(sig) });
}

/** Runs a command of the built CLI (bin/groundwork.cjs) as a real process, without blocking the test's event loop. */
export function runBinAsync(args: string[], env: Record<string, string> = {}): Promise<ChildResult> {
  const bin = path.resolve(__dirname, '../../bin/groundwork.cjs');
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}
