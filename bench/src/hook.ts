/**
 * The Claude Code hook's decision latency in one process (argv: vault, runs): each run is a whole
 * decision as `groundwork hook claude-code` makes it (open the vault, list it, load and check the
 * cache in the data folder, read the domains live, decide, journal when it allows), for inputs
 * that end in allow (automate), ask (assist) and deny (propose). The first run builds the cache.
 * Prints one JSON object.
 */
import { performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { runHook } from '../../src/cli/commands/hook';
import type { CliIO } from '../../src/cli/io';
import { median, quantile, round } from './stats';

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const runs = Number(process.argv[3] ?? 40);
  const targets = JSON.parse(process.argv[4]!) as Record<string, string>;
  let last = '';
  const io: CliIO = { out: (t) => (last = t), err: () => undefined, progress: () => undefined, env: {}, cwd: dir };
  const decide = async (rel: string): Promise<number> => {
    const input = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Edit', cwd: dir, tool_input: { file_path: path.join(dir, rel), old_string: '# ', new_string: '#  ', replace_all: true } });
    const t = performance.now();
    await runHook(io, 'claude-code', dir, () => Promise.resolve(input));
    return performance.now() - t;
  };
  const cold = await decide(targets.allow!);
  const out: Record<string, unknown> = { coldMs: round(cold) };
  for (const [want, rel] of Object.entries(targets)) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(await decide(rel));
      const got = (JSON.parse(last) as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput.permissionDecision;
      if (got !== want) throw new Error(`${rel}: expected ${want}, got ${got}`);
    }
    out[want] = { medianMs: round(median(times)), p95Ms: round(quantile(times, 0.95)) };
  }
  console.log(JSON.stringify(out));
}

void main();
