import { describe, expect, it } from 'vitest';
import { lineDiff } from '../../src/core/line-diff';

describe('line diff', () => {
  it('shows an appended section with context', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nb\nc\nd\n', 1)).toEqual([
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
      { op: ' ', text: '' },
    ]);
  });

  it('shows a replaced line in the middle', () => {
    expect(lineDiff('1\n2\n3', '1\nX\n3', 0)).toEqual([
      { op: '-', text: '2' },
      { op: '+', text: 'X' },
    ]);
  });

  it('treats a created note as all added', () => {
    expect(lineDiff('', 'x\ny', 0)).toEqual([
      { op: '-', text: '' },
      { op: '+', text: 'x' },
      { op: '+', text: 'y' },
    ]);
  });
});
