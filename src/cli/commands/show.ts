import { showDistillate } from '../../agents/show';
import { cliAgentContext } from '../agent-context';
import type { CliIO } from '../io';

export async function runShow(io: CliIO, vaultArg: string, domain: string): Promise<number> {
  const { ctx, dispose } = await cliAgentContext(io, vaultArg, {}, { planOnly: true });
  try {
    io.out((await showDistillate(ctx, domain)).text);
    return 0;
  } finally {
    dispose();
  }
}
