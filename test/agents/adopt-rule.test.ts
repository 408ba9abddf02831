import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { adoptRule, planRule } from '../../src/agents/adopt-rule';
import { AgentError } from '../../src/agents/context';
import { vaultWith } from '../sources/helpers';
import type { AgentContext } from '../../src/agents/context';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function setup(notes: Record<string, string>) {
  const v = await vaultWith(notes);
  cleanups.push(v.cleanup);
  // adoptRule needs only the vault and the model of a context.
  const ctx = { vault: v.vault, model: v.model, outputFolder: 'Groundwork' } as unknown as AgentContext;
  return { ...v, ctx, read: (rel: string) => readFileSync(path.join(v.dir, rel), 'utf8') };
}

const NOTES = {
  'Notes/ML/Gradient descent.md': '# Gradient descent\n',
  'Notes/ML/deep/Backprop.md': 'Backprop\n',
  'Notes/ML/Already.md': '---\ndomain: "[[ML]]"\n---\nLinked already\n',
  'Notes/Other.md': 'Other #lora\n',
  'Notes/Tagged.md': '---\ntags: [lora/ranks]\n---\nT\n',
  'Groundwork/X/X distillate.md': '---\ngroundwork: distillate\n---\n#lora\n',
};

describe('adopting a folder or a tag as a domain', () => {
  it('a folder without its own note: previews who joins, then creates the folder note as a domain with the rule', async () => {
    const v = await setup(NOTES);
    const plan = planRule(v.model, { kind: 'folder', folder: 'Notes/ML' });
    expect(plan).toMatchObject({ domainPath: 'Notes/ML/ML.md', create: true, adopt: true, already: false });
    expect(plan.joining).toEqual(['Notes/ML/Already.md', 'Notes/ML/Gradient descent.md', 'Notes/ML/deep/Backprop.md']);
    await adoptRule(v.ctx, plan);
    expect(v.read('Notes/ML/ML.md')).toBe('---\ngroundwork: domain\nconfidence: low\ninclude:\n  - "Notes/ML/"\n---\n# ML\n\nThe notes in ML/.\n');
    expect(v.model.membersOf('Notes/ML/ML.md')).toEqual(plan.joining);
    expect(planRule(v.model, { kind: 'folder', folder: 'Notes/ML' }).already).toBe(true);
  });

  it('a tag: the note named like the tag becomes the domain, its other keys and text untouched; a second rule is added to the list', async () => {
    const v = await setup({ ...NOTES, 'Areas/LoRA.md': '---\n# my comment\ntags: [ml]\nconfidence: medium\n---\nMy LoRA page.\n' });
    const plan = planRule(v.model, { kind: 'tag', tag: 'lora' });
    expect(plan).toMatchObject({ domainPath: 'Areas/LoRA.md', create: false, adopt: true });
    // Generated notes never join by a rule.
    expect(plan.joining).toEqual(['Notes/Other.md', 'Notes/Tagged.md']);
    await adoptRule(v.ctx, plan);
    expect(v.read('Areas/LoRA.md')).toBe('---\n# my comment\ntags: [ml]\nconfidence: medium\ngroundwork: domain\ninclude:\n  - "#lora"\n---\nMy LoRA page.\n');
    const second = planRule(v.model, { kind: 'folder', folder: 'Notes/ML' });
    // The folder has no note of its own, so it would get one: adopt onto the LoRA note instead by planning it there.
    expect(second.domainPath).toBe('Notes/ML/ML.md');
    await adoptRule(v.ctx, { ...second, domainPath: 'Areas/LoRA.md', create: false, adopt: false });
    expect(v.read('Areas/LoRA.md')).toContain('include:\n  - "#lora"\n  - Notes/ML/\n');
    expect(v.model.membersOf('Areas/LoRA.md')).toHaveLength(5);
  });

  it('refuses the output folder and a domain note whose frontmatter cannot be read', async () => {
    const v = await setup({ ...NOTES, 'Notes/Broken/Broken.md': '---\ngroundwork: [oops\n---\nx\n' });
    expect(() => planRule(v.model, { kind: 'folder', folder: 'Groundwork/X' })).toThrow(AgentError);
    const plan = planRule(v.model, { kind: 'folder', folder: 'Notes/Broken' });
    expect(plan.domainPath).toBe('Notes/Broken/Broken.md');
    await expect(adoptRule(v.ctx, plan)).rejects.toThrow('fix its frontmatter first');
    expect(v.read('Notes/Broken/Broken.md')).toBe('---\ngroundwork: [oops\n---\nx\n');
  });
});
