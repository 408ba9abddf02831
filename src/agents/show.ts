import { readableDistillate, readDistillate } from '../core/distillate';
import { parseNote } from '../core/frontmatter';
import { AgentError, type AgentContext } from './context';
import { domainName, findDomainNote, readOwnGenerated } from './domain-note';

/** `groundwork show`: the distillate as the person edited it, readable in a terminal. */
export async function showDistillate(ctx: AgentContext, domainArg: string): Promise<{ domain: string; path: string; text: string }> {
  const rec = findDomainNote(ctx, domainArg);
  const name = domainName(rec);
  const path = ctx.model.generatedPath(rec.path, 'distillate');
  // Never another domain's distillate shown as this one's.
  const own = await readOwnGenerated(ctx, rec.path, 'distillate');
  if (!own) throw new AgentError(`${name} has no distillate yet (${path}): run research first`);
  const note = parseNote(own.text);
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
