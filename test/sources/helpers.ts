import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DOMParser } from 'linkedom';
import { NodeVault } from '../../src/cli/node-vault';
import { makeHtmlToText, type DomParserConstructor } from '../../src/sources/html-text';
import { loadModel } from '../../src/vault/load-model';
import { tempVault } from '../support/temp-vault';

export const OUT = 'Groundwork';

/** linkedom's DOMParser, as the CLI passes it. */
export const htmlToText = makeHtmlToText(DOMParser as unknown as DomParserConstructor);

export function writeNotes(dir: string, notes: Record<string, string>): void {
  for (const [rel, text] of Object.entries(notes)) {
    const abs = path.join(dir, ...rel.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

/** A real temporary vault with the given notes, its NodeVault and loaded model. */
export async function vaultWith(notes: Record<string, string>) {
  const tmp = tempVault();
  writeNotes(tmp.dir, notes);
  const vault = new NodeVault(tmp.dir);
  const model = await loadModel(vault, OUT);
  return { ...tmp, vault, model };
}

/**
 * A vault around the domain "LoRA": members, a 2-hop chain of links and of backlinks, notes
 * only full text finds, generated notes at low and raised confidence, and unrelated notes.
 */
export const LORA_VAULT: Record<string, string> = {
  'LoRA.md': `---
groundwork: domain
confidence: low
---
# LoRA

Low-rank adaptation for fine-tuning large language models.
See [[Adapters]] and https://example.org/lora-paper.

## Rank selection
`,
  'Notes/Rank experiments.md': `---
domain: "[[LoRA]]"
---
Tried rank 8 and 16.
`,
  'Notes/QLoRA.md': `---
domain:
  - "[[LoRA]]"
---
Quantized base model plus adapters.
`,
  'Adapters.md': 'Adapter layers, see [[Prefix tuning]].\n',
  'Prefix tuning.md': 'Prefix tuning prepends trained vectors.\n',
  'Journal/2024-05-01.md': 'Read about [[LoRA]] today.\n',
  'Journal/2024-05-02.md': 'Follow-up on [[2024-05-01]].\n',
  'Misc/Matrix factorization.md': '# Matrix factorization\n\nA low-rank approximation of a weight matrix; rank selection trades accuracy for size.\n',
  'Misc/Cooking.md': 'Bread needs flour, water and salt.\n',
  'Groundwork/LoRA/LoRA distillate.md': '---\ngroundwork: distillate\ndomain: "[[LoRA]]"\nconfidence: low\n---\nLow-rank adaptation distilled [[LoRA]].\n',
  'Groundwork/LoRA/LoRA critique.md': '---\ngroundwork: critique\ndomain: "[[LoRA]]"\nconfidence: medium\n---\nLow-rank adaptation critique of [[LoRA]].\n',
  'Groundwork/Scratch.md': 'Low-rank adaptation scratch in the output folder, no confidence.\n',
  'Elsewhere/Moved sources.md': '---\ngroundwork: sources\nconfidence: low\n---\nLow-rank adaptation sources, moved out of the output folder, still low. [[LoRA]]\n',
};
