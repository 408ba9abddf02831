import { describe, expect, it } from 'vitest';
import { stripGroundworkSection } from '../../src/core/groundwork-section';

describe('the plugin-appended Groundwork section', () => {
  it('is left out of the domain note read as a source', () => {
    const body = '# D\n\nAbout D.\n\n## Groundwork\n\n- [[Groundwork/D/D sources|Sources]]\n- [[Groundwork/D/D distillate|Distillate]]\n';
    expect(stripGroundworkSection(body)).toBe('# D\n\nAbout D.\n');
  });

  it('stops at the next section and keeps it', () => {
    expect(stripGroundworkSection('A\n## Groundwork\n- [[X]]\n## Later\ntext\n')).toBe('A\n## Later\ntext\n');
  });

  it('is kept whole when the person wrote prose in it', () => {
    const body = 'A\n## Groundwork\n- [[X]]\nMy thoughts on groundwork.\n';
    expect(stripGroundworkSection(body)).toBe(body);
  });
});
