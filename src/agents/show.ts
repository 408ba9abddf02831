import { readableDistillate, readDistillate } from '../core/distillate';
import { parseNote } from '../core/frontmatter';
import { generatedPath } from '../core/layout';
import { AgentError, type AgentContext } from './context';
import { domainName, findDomainNote } from './domain-note';

/** `groundwork show`: the distillate as the person edited it, readable in a terminal. */
export async function showDistillate(ctx: AgentContext, domainArg: string): Promise<{ domain: string; path: string; text: string }> {
  const rec = findDomainNote(ctx, domainArg);
  const name = domainName(rec);
  const path = generatedPath(ctx.outputFolder, name, 'distillate');
  if (!(await ctx.vault.stat(path))) throw new AgentError(`${name} has no distillate yet (${path}): run research first`);
  const note = parseNote(await ctx.vault.read(path));
  const fm = note.frontmatter ?? {};
  const share = (k: string) => (typeof fm[k] === 'number' ? `${Math.round(fm[k] * 100)}%` : 'unknown');
  const head = [
    `${name} — distillate (${path})`,
    `Confidence: ${typeof fm.confidence === 'string' ? fm.confidence : 'not set'} · quotes verified: ${share('quotes-verified')} · claims grounded: ${share('claims-grounded')}`,
    '',
  ];
  // The note is the person's and the model's text: nothing in it may drive the terminal.
  // eslint-disable-next-line no-control-regex -- control characters are stripped on purpose
  const text = `${head.join('\n')}${readableDistillate(readDistillate(note.body))}`.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
  return { domain: name, path, text };
}
