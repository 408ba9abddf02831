import { parse, positional, type CommandSpec } from './command';
import { UsageError } from './errors';

/** `groundwork hook`: its row of the command table, shared by the whole CLI and the hook's own bundle. */
export const HOOK_COMMAND: CommandSpec = {
  name: 'hook',
  usage: 'hook claude-code --vault <vault>',
  summary: "A PreToolUse hook for Claude Code: its file writes in the vault are allowed, asked about or denied by the domain's mode.",
  example: 'groundwork hook claude-code --vault ~/Notes',
  run: async (io, rest) => {
    const p = parse(rest, { vault: { type: 'string' } });
    const [agent] = positional(p, 1, 'hook claude-code --vault <vault>');
    if (typeof p.values.vault !== 'string') throw new UsageError('hook needs --vault <vault>: the vault it guards', 'hook');
    return (await import('./commands/hook')).runHook(io, agent!, p.values.vault);
  },
};
