import { parse } from 'yaml';
import type { LlmClient } from '../llm';
import { normalizeId } from './citations';
import { critiqueSchema, type Critique } from './schemas';
import { UNTRUSTED_RULE, untrusted } from './untrusted';

export function critiqueMessages(domainName: string, distillateBody: string, digests: string, ids: string[]) {
  return [
    {
      role: 'system' as const,
      content:
        'You are the critic. Check the distillate against the source digests only — not against your own memory. ' +
        'Find: conflicts (sources or claims that disagree), weak spots (claims resting on one thin source), ' +
        'unsupported claims (no source, or citing a source that does not say it), mis-cited claims, and gaps (what ' +
        `the sources cover that the distillate misses). Known source ids: ${ids.join(', ')}. Give a verdict: pass (no ` +
        `issue that matters), revise, or fail (the distillate misleads). ${UNTRUSTED_RULE}`,
    },
    {
      role: 'user' as const,
      content: `Domain: ${domainName}\n\n${untrusted('DISTILLATE', distillateBody)}\n\nSource digests:\n\n${digests}`,
    },
  ];
}

/**
 * Citation problems found by code, not by the model: every id in the distillate's YAML that is
 * not a real source, and a YAML block that no longer parses after the person's edits.
 */
export function codeCheckedIssues(distillateBody: string, known: ReadonlySet<string>): Critique['issues'] {
  const issues: Critique['issues'] = [];
  const block = /```ya?ml\n([\s\S]*?)\n```/.exec(distillateBody.replace(/\r\n?/g, '\n'));
  if (!block) return issues;
  let data: unknown;
  try {
    data = parse(block[1]!);
  } catch (err) {
    issues.push({ kind: 'weak-spot', claim: 'The YAML distillate block', explanation: `It does not parse: ${(err as Error).message.split('\n')[0]}`, sources: [] });
    return issues;
  }
  const bad = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'sources' && Array.isArray(x)) {
          for (const raw of x) {
            const id = typeof raw === 'string' ? normalizeId(raw) : null;
            if (!id || !known.has(id)) bad.add(String(raw));
          }
        } else visit(x);
      }
    }
  };
  visit(data);
  for (const id of [...bad].sort()) {
    issues.push({ kind: 'unsupported', claim: `Claims citing ${id}`, explanation: `${id} is not one of the sources (${[...known].join(', ')})`, sources: [] });
  }
  return issues;
}

export async function critique(llm: LlmClient, domainName: string, distillateBody: string, digests: string, ids: string[], signal?: AbortSignal) {
  const r = await llm.structured<Critique>({ role: 'critic', schema: critiqueSchema, schemaName: 'critique', messages: critiqueMessages(domainName, distillateBody, digests, ids), signal });
  const extra = codeCheckedIssues(distillateBody, new Set(ids));
  const data: Critique = { ...r.data, issues: [...extra, ...r.data.issues] };
  if (extra.length > 0 && data.verdict === 'pass') data.verdict = 'revise';
  return { critique: data, tokens: r.usage.promptTokens + r.usage.completionTokens, model: r.model };
}
