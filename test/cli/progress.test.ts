import { describe, expect, it } from 'vitest';
import { throttledProgress } from '../../src/cli/io';

describe('CLI progress lines', () => {
  it('are written at most once per interval while notes are read, and clearing always goes through', () => {
    let clock = 0;
    const written: string[] = [];
    const progress = throttledProgress((t) => written.push(t), () => clock, 100);
    for (let i = 1; i <= 1000; i++) {
      progress(`Reading notes ${i}/1000`);
      clock += 1;
    }
    progress('');
    // 1,000 reports over 1,000 ms of the clock: one line per 100 ms, then the clear.
    expect(written).toEqual([...Array.from({ length: 10 }, (_, k) => `Reading notes ${k * 100 + 1}/1000`), '']);
    // After a clear the next line shows at once.
    progress('Checking notes 1/5');
    expect(written.at(-1)).toBe('Checking notes 1/5');
  });
});
