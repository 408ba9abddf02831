import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readDistillate, readableDistillate } from '../../src/core/distillate';
import { parseNote } from '../../src/core/frontmatter';
import { EXAMPLE_VAULT } from '../support/temp-vault';

describe('reading a distillate a person wrote by hand', () => {
  it('shows an item whose text is under another field name (`claim`, `text`), rather than an empty line', () => {
    const body = ['```groundwork-distillate', 'summary: S.', 'concepts:', '  - name: Build', '    claim: "`npm run build` produces public/"', '    sources: [S1]', 'structure:', '  - area: Publish', '    text: CI on push to main', '    sources: [S1]', 'pitfalls:', '  - claim: Broken links are only caught if the link checker runs first.', '    sources: [S1]', '```', ''].join('\n');
    const doc = readDistillate(body);
    expect(doc.sections.concepts[0]).toMatchObject({ title: 'Build', text: '`npm run build` produces public/' });
    expect(doc.sections.structure[0]).toMatchObject({ title: 'Publish', text: 'CI on push to main' });
    expect(doc.sections.pitfalls[0]!.text).toBe('Broken links are only caught if the link checker runs first.');
    // The field the schema names still wins over a stray one.
    const named = readDistillate(body.replace('    claim: "`npm run build` produces public/"', '    explanation: The named field.\n    claim: A stray one.'));
    expect(named.sections.concepts[0]!.text).toBe('The named field.');
  });

  it("the example vault's hand-written distillate reads with every claim's text", () => {
    const text = readFileSync(path.join(EXAMPLE_VAULT, 'Groundwork/Static site builds/Static site builds distillate.md'), 'utf8');
    const readable = readableDistillate(readDistillate(parseNote(text).body));
    expect(readable).toContain('Build — `npm run build` produces public/');
    expect(readable).toContain('Broken links are only caught if the link checker runs first.');
  });
});
