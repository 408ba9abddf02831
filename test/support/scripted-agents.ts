import { countTokens } from 'gpt-tokenizer';
import type { ChatRequestBody, Handler } from './openai-server';

/**
 * A scripted "model" for the agents, served by the loopback test server: it reads the schema
 * name the real client sent and answers with JSON built from the prompt it received (ids it was
 * given, text of the source), so the pipeline runs end to end through the real `openai` client.
 */

function schemaName(body: ChatRequestBody): string {
  const rf = body.response_format;
  if (rf?.json_schema?.name) return rf.json_schema.name;
  // json_object fallback: the schema name is quoted in the system prompt.
  const sys = body.messages.find((m) => m.role === 'system')?.content ?? '';
  for (const n of ['source_digest', 'distillate', 'critique', 'skeleton', 'action', 'verification']) if (sys.includes(n)) return n;
  return 'unknown';
}

function ids(text: string): string[] {
  return [...new Set([...text.matchAll(/DIGEST (S\d+)/g)].map((m) => m[1]!))];
}

/** The first key point with a verified quote the prompt offers for each source id (`S3` → `S3.1`), as the distiller sees them. */
function verifiedPointsIn(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/- \[((S\d+)\.\d+)\](?: \([a-z]+\))? .*? \(verified quote: "(.*)"\)$/gm)) if (!out.has(m[2]!)) out.set(m[2]!, m[1]!);
  return out;
}

export interface ScriptOptions {
  /** Extra text the "model" puts in every digest summary (hostile-output tests). */
  inject?: string;
  /** Ids the distiller cites besides the real ones (unsupported-citation tests). */
  extraCitation?: string;
  /** The verifier's verdict on an automatic change (its first check carries the reasons). */
  verdict?: { pass: boolean; reasons: string[] };
  /** Runs while the critic "thinks": a test can edit the vault in the middle of a run. */
  duringVerify?: () => void | Promise<void>;
  /** The critic's answer: a label per claim id (default supported; null leaves the claim out), its issues, its own verdict. */
  critic?: { verdict?: string; labels?: Record<string, string | null>; issues?: unknown[] };
  /** Replaces the actor's options (hostile-output tests). */
  actorOptions?: unknown[];
}

/** What a real server reports as prompt tokens: a real tokenizer's count of every message. */
export function realPromptTokens(body: ChatRequestBody): number {
  return body.messages.reduce((n, m) => n + countTokens(m.content) + 4, 3);
}

export function scriptedAgents(opts: ScriptOptions = {}): Handler {
  return (body) => {
    const user = body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
    const promptTokens = realPromptTokens(body);
    switch (schemaName(body)) {
      case 'source_digest': {
        // The fenced source: its label names the id, its first line is the title.
        const fenced = /⟦BEGIN UNTRUSTED SOURCE (S\d+)[^⟧]*⟧\nTitle: (.*)\n([\s\S]*?)\n⟦END/.exec(user);
        const id = fenced ? [fenced[0], fenced[1], fenced[2]] : null;
        const text = fenced?.[3] ?? '';
        const first = text.replace(/\s+/g, ' ').trim().slice(0, 120);
        return {
          json: {
            summary: `${id?.[2] ?? 'A source'} in brief.${opts.inject ? ` ${opts.inject}` : ''}`,
            keyPoints: [{ quote: first, point: `What ${id?.[1] ?? 'it'} says first`, kind: 'concept' }],
          },
          usage: { prompt_tokens: promptTokens, completion_tokens: 60 },
        };
      }
      case 'distillate': {
        const got = ids(user);
        // Evidence cites key points by id, as the schema sent asks; a source with no verified point gets its id alone.
        const points = verifiedPointsIn(user);
        const ev = (id: string) => ({ point: points.get(id) ?? `${id}.1` });
        const cite = (i: number) => [ev(got[i % Math.max(1, got.length)] ?? 'S1')];
        return {
          json: {
            summary: `The domain in ${got.length} sources.`,
            concepts: got.slice(0, 4).map((id, i) => ({ name: `Concept ${i + 1}`, explanation: `Explained by ${id}.`, evidence: [ev(id)] })),
            structure: [
              { area: 'Foundations', description: 'What everything rests on.', evidence: cite(0) },
              { area: 'Practice', description: 'How it is done.', evidence: [...cite(1), ...(opts.extraCitation ? [{ source: opts.extraCitation, quote: 'Made up.' }] : [])] },
            ],
            decisions: [{ decision: 'Small or large', tradeoffs: 'Speed against quality.', evidence: cite(0) }],
            pitfalls: [{ pitfall: 'Overfitting.', evidence: cite(1) }],
            open_questions: [{ question: 'What scales?', evidence: [] }],
          },
          usage: { prompt_tokens: promptTokens, completion_tokens: 400 },
        };
      }
      case 'critique': {
        // One label per numbered claim of the prompt, in the order the schema asks: quote, reasoning, label.
        const claimIds = [...new Set([...user.matchAll(/^(C\d+) \(/gm)].map((m) => m[1]!))];
        const labels = opts.critic?.labels ?? {};
        return {
          json: {
            claims: claimIds.filter((id) => labels[id] !== null).map((id) => ({ claim: id, quote: '', reasoning: 'Its quotes say it.', label: labels[id] ?? 'supported' })),
            issues: opts.critic?.issues ?? [{ kind: 'weak-spot', claim: 'Overfitting.', explanation: 'Only one source says so.', sources: ['S1'] }],
            summary: 'Mostly supported.',
            verdict: opts.critic?.verdict ?? 'revise',
          },
          usage: { prompt_tokens: promptTokens, completion_tokens: 120 },
        };
      }
      case 'skeleton':
        return {
          json: {
            areas: [
              { name: 'Foundations', concepts: ['Concept 1', 'Concept 2'] },
              { name: 'Practice', concepts: ['Concept 3'] },
              { name: 'Open questions', concepts: ['What scales?'] },
            ],
          },
          usage: { prompt_tokens: promptTokens, completion_tokens: 80 },
        };
      case 'action': {
        const task = /Your task: (.*)/.exec(user)?.[1] ?? 'the task';
        const count = user.includes('2 or 3') ? 3 : 1;
        const options = opts.actorOptions ?? Array.from({ length: count }, (_, i) => ({
          title: `Option ${i + 1} for ${task}`,
          rationale: 'Because the task asks for it.',
          kind: 'append-section',
          heading: `Agent notes ${i + 1}`,
          noteName: '',
          content: `Done: ${task} (variant ${i + 1}).`,
          links: [],
        }));
        return { json: { options }, usage: { prompt_tokens: promptTokens, completion_tokens: 150 } };
      }
      case 'verification':
        return (async () => {
          await opts.duringVerify?.();
          const v = opts.verdict ?? { pass: true, reasons: [] };
          // Every named check answered, evidence first; a failing verdict fails the first check with its reasons.
          const ok = (passing: 'yes' | 'no') => ({ evidence: 'The diff shows it.', answer: passing });
          const json = {
            does_the_task: v.pass ? ok('yes') : { evidence: v.reasons.join('; ') || 'It does not.', answer: 'no' },
            removes_unrequested_text: ok('no'),
            adds_unsupported_claim: ok('no'),
            contradicts_distillate: ok('no'),
            adds_link_or_url: ok('no'),
          };
          return { json, usage: { prompt_tokens: promptTokens, completion_tokens: 30 } };
        })();
      default:
        return { status: 400, errorMessage: 'unexpected request' };
    }
  };
}
