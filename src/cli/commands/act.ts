import { createInterface } from 'node:readline/promises';
import { acceptProposal, rejectProposal } from '../../agents/accept';
import { runTask } from '../../agents/gate';
import { listInbox, proposalId } from '../../agents/proposals';
import { formatWrite, signOff, signOffReport, verdictText } from '../../agents/signoff';
import { plainWikilinks } from '../../core/links';
import { DEFAULT_OUTPUT_FOLDER } from '../../core/layout';
import { Journal } from '../../journal';
import { CliFailure } from '../errors';
import type { CliIO } from '../io';
import { cliAgentContext, type LlmFlags } from '../agent-context';
import { NodeDataFolder } from '../node-data-folder';
import { openVault } from '../open-vault';
import * as path from 'node:path';

function journalFor(ctx: { vault: ConstructorParameters<typeof Journal>[0]; data: ConstructorParameters<typeof Journal>[1]; outputFolder: string }, io: CliIO): Journal {
  return new Journal(ctx.vault, ctx.data, { outputFolder: ctx.outputFolder, onProblem: (m) => io.err(`warning: ${m}`) });
}

async function ask(io: CliIO, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    io.err(question);
    const answer = await Promise.race([rl.question(''), new Promise<string>((resolve) => rl.once('close', () => resolve('')))]);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export async function runSignoff(io: CliIO, vaultArg: string, domain: string, flags: { yes: boolean }): Promise<number> {
  const { ctx, dispose } = await cliAgentContext(io, vaultArg, {}, { planOnly: true });
  try {
    const r = await signOffReport(ctx, domain);
    const plain = plainWikilinks;
    io.out(`Domain: ${r.domain} (${r.domainPath})`);
    io.out(`Summary: ${r.summary ? plain(r.summary) : '(no distillate)'}`);
    io.out(`Critic's verdict: ${verdictText(r)}`);
    io.out(r.openIssues.length === 0 ? 'Open issues: none' : `Open issues (${r.openIssues.length}):`);
    for (const i of r.openIssues) io.out(`  - [ ] ${plain(i)}`);
    if (r.blockers.length > 0) {
      io.out('Blocked:');
      for (const b of r.blockers) io.out(`  - ${plain(b)}`);
    }
    io.out(`${r.blockers.length > 0 ? 'Signing would write, once nothing blocks it,' : 'Signing writes'} in ${r.domainPath}:`);
    for (const w of r.writes) io.out(`  ${formatWrite(w)}`);
    if (r.blockers.length > 0) throw new CliFailure(`${r.domain} cannot be signed off yet (${r.blockers.length} blocker${r.blockers.length === 1 ? '' : 's'} above)`);
    io.out(r.after);
    if (!flags.yes && !(await ask(io, `Sign off ${r.domain}? [y/N]`))) {
      throw new CliFailure('Not signed off (answer "y", or pass --yes)');
    }
    const done = await signOff(ctx, domain);
    io.out(`Signed off ${done.domain} on ${done.date} (distillate ${done.fingerprint}).`);
    return 0;
  } finally {
    dispose();
  }
}

export async function runRun(io: CliIO, vaultArg: string, domain: string, flags: LlmFlags & { task: string; note?: string; json: boolean }): Promise<number> {
  const { ctx, dispose } = await cliAgentContext(io, vaultArg, flags);
  try {
    const outcome = await runTask(ctx, journalFor(ctx, io), { domain, note: flags.note, task: flags.task });
    if (flags.json) {
      io.out(JSON.stringify(outcome, null, 2));
      return 0;
    }
    for (const n of outcome.notes) io.err(`Note: ${n}`);
    if (outcome.outcome === 'applied') io.out(`Applied (mode ${outcome.mode}) to ${outcome.entry!.path}; journal entry ${outcome.entry!.id} (undo: groundwork undo <vault> ${outcome.entry!.id})`);
    else {
      io.out(`Proposal ${proposalId(outcome.proposalPath!)} (mode ${outcome.mode}): ${outcome.proposalPath}`);
      for (const r of outcome.reasons) io.out(`  ${r}`);
      io.out('Nothing else changed. Read it, then: groundwork accept <vault> <proposal> [--option N]  or  groundwork reject <vault> <proposal>');
    }
    return 0;
  } finally {
    dispose();
  }
}

export async function runInbox(io: CliIO, vaultArg: string, flags: { json: boolean; all: boolean }): Promise<number> {
  const vault = await openVault(vaultArg, io.cwd);
  const items = (await listInbox(vault, DEFAULT_OUTPUT_FOLDER)).filter((i) => flags.all || flags.json || i.status === 'pending');
  if (flags.json) io.out(JSON.stringify(items, null, 2));
  else if (items.length === 0) io.out('No pending proposals.');
  else
    for (const i of items)
      io.out(
        `${i.id}  ${i.created.slice(0, 16).replace('T', ' ')}  ${i.task}\n` +
          `  domain ${i.domain.split('/').pop()} · mode ${i.mode} · ${i.options} option${i.options === 1 ? '' : 's'} · ${i.status} · ${i.note ?? 'a new note'}\n  ${i.path}`,
      );
  if (!flags.json && items.length > 0) io.out('Accept with: groundwork accept <vault> <id> [--option N]   Reject with: groundwork reject <vault> <id>');
  return 0;
}

export async function runAccept(io: CliIO, vaultArg: string, proposal: string, flags: { option?: number }): Promise<number> {
  const { ctx, dispose } = await cliAgentContext(io, vaultArg, {}, { planOnly: true });
  try {
    const { plan, entry } = await acceptProposal(ctx, journalFor(ctx, io), proposal, flags.option);
    io.out(`Accepted option ${plan.option}: ${entry.kind === 'create' ? 'created' : 'changed'} ${plan.target}; journal entry ${entry.id}`);
    return 0;
  } finally {
    dispose();
  }
}

export async function runReject(io: CliIO, vaultArg: string, proposal: string): Promise<number> {
  const { ctx, dispose } = await cliAgentContext(io, vaultArg, {}, { planOnly: true });
  try {
    io.out(`Rejected ${await rejectProposal(ctx, proposal)}; nothing changed.`);
    return 0;
  } finally {
    dispose();
  }
}

export async function runUndo(io: CliIO, vaultArg: string, entryId?: string): Promise<number> {
  const vault = await openVault(vaultArg, io.cwd);
  const data = new NodeDataFolder(path.join(vault.root, vault.configDir, 'plugins', 'groundwork'));
  const journal = new Journal(vault, data, { outputFolder: DEFAULT_OUTPUT_FOLDER, onProblem: (m) => io.err(`warning: ${m}`) });
  // A refusal (UndoRefused) is a GroundworkError: main reports it as one line, exit 1.
  const e = await journal.undo(entryId);
  io.out(`Undone ${e.id}: ${e.kind === 'create' ? `moved ${e.path} to the trash` : `restored ${e.path} as it was`}.`);
  return 0;
}
