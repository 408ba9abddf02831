import { reportFailure, runCommand } from './command';
import { HOOK_COMMAND } from './hook-command';
import { processIO, type CliIO } from './io';

/**
 * The entry of dist/hook.cjs: `groundwork hook …` alone. Claude Code runs the hook as a new process
 * before every tool call, so the bin loads this small bundle for it instead of the whole CLI.
 * `argv` is the whole command line, starting with "hook".
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    if (argv[0] !== HOOK_COMMAND.name) throw new Error(`dist/hook.cjs runs only "groundwork hook", not "${argv[0] ?? ''}"`);
    return await runCommand(io, HOOK_COMMAND, argv.slice(1));
  } catch (err) {
    // A usage error always names the hook here (runCommand adds it), so its usage is the one shown.
    return reportFailure(io, err, [HOOK_COMMAND], () => `Usage: groundwork ${HOOK_COMMAND.usage}`);
  }
}
