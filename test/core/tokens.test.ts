import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer';
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { estimateMessagesTokens, estimateTokens, splitByTokens } from '../../src/core/tokens';
import { digestMessages } from '../../src/agents/scout';
import type { NumberedSource } from '../../src/sources/types';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../fixtures/languages', name), 'utf8');
const source = (text: string): NumberedSource => ({ id: 'S1', kind: 'note', ref: 'Notes/x.md', title: 'LoRA', text, fingerprint: 'sha256:000000000000', reason: 'member' });
const realCount = (messages: { content: string }[]) => messages.reduce((n, m) => n + countTokens(m.content) + 4, 3);

describe('the token estimate knows scripts', () => {
  it('a Japanese source’s digest prompt is within 25% of a real tokenizer’s count', () => {
    const prompt = digestMessages('LoRA fine-tuning', source(fixture('ja.md'))).messages;
    const estimate = estimateMessagesTokens(prompt);
    const real = realCount(prompt);
    expect(Math.abs(estimate - real) / real).toBeLessThan(0.25);
    // A flat 4 characters a token would have under-counted it about three times over.
    expect(Math.ceil(prompt.reduce((n, m) => n + m.content.length, 0) / 4)).toBeLessThan(real * 0.5);
  });

  it('Japanese text alone, on both common tokenizers, is neither under- nor over-counted by more than 25%', () => {
    const text = fixture('ja.md');
    for (const real of [countTokens(text), countCl100k(text)]) expect(Math.abs(estimateTokens(text) - real) / real).toBeLessThan(0.25);
  });

  it('leans high rather than low on Russian and English (room wasted, never a prompt lost)', () => {
    for (const text of [fixture('ru.md'), 'LoRA freezes the original weights and trains small low-rank matrices added to each layer. '.repeat(20)]) {
      const real = countTokens(text);
      expect(estimateTokens(text)).toBeGreaterThanOrEqual(real * 0.9);
      expect(estimateTokens(text)).toBeLessThan(real * 1.8);
    }
  });
});

describe('splitting a long source', () => {
  const paragraphs = Array.from({ length: 60 }, (_, i) => `Paragraph ${i + 1}. ${'The cluster runs many services and each has its own budget. '.repeat(1 + (i % 7))}`);
  const text = paragraphs.join('\n\n');

  it('cuts only at paragraph boundaries when paragraphs fit, and every paragraph is in exactly one piece', () => {
    const pieces = splitByTokens(text, 500);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(estimateTokens(p)).toBeLessThanOrEqual(500);
    expect(pieces.flatMap((p) => p.split('\n\n'))).toEqual(paragraphs);
  });

  it('a text that fits is one piece, unchanged', () => {
    expect(splitByTokens('short', 100)).toEqual(['short']);
  });

  it('never loses a character, whatever the text (lines, sentences, no breaks at all), and every piece fits', () => {
    const unit = fc.oneof(fc.constant('\n\n'), fc.constant('\n'), fc.constant('. '), fc.constant('。'), fc.string({ minLength: 1, maxLength: 40 }), fc.constant('データ'.repeat(30)), fc.constant('x'.repeat(300)));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 80 }), fc.integer({ min: 16, max: 200 }), (units, limit) => {
        const t = units.join('');
        const pieces = splitByTokens(t, limit);
        for (const p of pieces) expect(estimateTokens(p)).toBeLessThanOrEqual(limit + 1);
        const squash = (s: string) => s.replace(/\s+/g, '');
        expect(squash(pieces.join(''))).toBe(squash(t));
      }),
      { numRuns: 300 },
    );
  });
});
