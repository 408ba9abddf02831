import { describe, expect, it } from 'vitest';
import { FullTextIndex } from '../../src/sources/fulltext-index';

describe('full-text matches', () => {
  it('leave out notes that share only one common word with the domain query', () => {
    const i = new FullTextIndex();
    i.upsert('Domain.md', 'LoRA fine-tuning', 'Fine-tune a small open model on support tickets with low-rank adapters.');
    i.upsert('Related.md', 'Adapters', 'Low-rank adapters make fine-tuning a large model cheap.');
    i.upsert('Reading inbox.md', 'Reading inbox', 'Things to read some day: a book about a small shop.');
    i.upsert('Payments.md', 'Payments', 'Refunds for support tickets go back to the card.');
    const hits = i.search('LoRA fine-tuning Fine-tune a small open model on support tickets', { limit: 10, exclude: (p) => p === 'Domain.md' }).map((h) => h.path);
    expect(hits).toContain('Related.md');
    expect(hits).not.toContain('Reading inbox.md');
  });
});
