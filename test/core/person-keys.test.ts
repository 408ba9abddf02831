import { describe, expect, it } from 'vitest';
import { changedPersonKeys } from '../../src/core/person-keys';

describe('changedPersonKeys: what only the person may write', () => {
  const note = '---\ndomain: "[[K]]"\nconfidence: medium\ntags: [a]\n---\n# K\n';

  it('is empty for a body edit or a change to other properties', () => {
    expect(changedPersonKeys(note, `${note}more\n`)).toEqual([]);
    expect(changedPersonKeys(note, note.replace('tags: [a]', 'tags: [a, b]'))).toEqual([]);
  });

  it('names each trust key and role key set, changed or removed', () => {
    expect(changedPersonKeys(note, note.replace('confidence: medium', 'confidence: high'))).toEqual(['confidence']);
    expect(changedPersonKeys(note, note.replace('confidence: medium\n', ''))).toEqual(['confidence']);
    expect(changedPersonKeys(note, note.replace('tags: [a]', 'autonomy: automate\ngroundwork: domain\ninclude: ["Notes/"]'))).toEqual(['autonomy', 'groundwork', 'include']);
    expect(changedPersonKeys(null, '---\nsigned-off: 2026-01-01\n---\nx\n')).toEqual(['signed-off']);
    expect(changedPersonKeys(null, 'no frontmatter\n')).toEqual([]);
  });

  it('counts an unreadable frontmatter block that changed as a change of every such key', () => {
    const broken = '---\nconfidence: [high\n---\nx\n';
    expect(changedPersonKeys(broken, broken)).toEqual([]);
    expect(changedPersonKeys(note, broken)).toContain('confidence');
    expect(changedPersonKeys(broken, broken.replace('x', 'y').replace('[high', '[low'))).toContain('critical');
  });
});
