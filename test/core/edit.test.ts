import { describe, expect, it } from 'vitest';
import { applyBodyEdit, EditError, frontmatterBytes } from '../../src/core/edit';

const NOTE = '---\r\nconfidence: high # mine\r\ndomain: "[[K8s]]"\r\n---\r\n# Runbook\r\n\r\n## Deploy\r\nold deploy\r\n```\r\n## not a heading\r\n```\r\n\r\n## Roll back\r\nundo it\r\n';

describe('body edits', () => {
  it('replace a section, keeping every other byte (frontmatter, other sections, CRLF)', () => {
    const out = applyBodyEdit(NOTE, { kind: 'replace-section', heading: 'deploy', content: 'new deploy\nstep two\n' });
    expect(out).toBe('---\r\nconfidence: high # mine\r\ndomain: "[[K8s]]"\r\n---\r\n# Runbook\r\n\r\n## Deploy\r\nnew deploy\r\nstep two\r\n\r\n## Roll back\r\nundo it\r\n');
    expect(frontmatterBytes(out)).toBe(frontmatterBytes(NOTE));
  });

  it('replace the last section', () => {
    expect(applyBodyEdit(NOTE, { kind: 'replace-section', heading: 'Roll back', content: 'revert' }).endsWith('## Roll back\r\nrevert\r\n')).toBe(true);
  });

  it('append a section at the end', () => {
    const out = applyBodyEdit(NOTE, { kind: 'append-section', heading: '## Monitoring', content: 'Watch the logs.' });
    expect(out).toBe(`${NOTE}\r\n## Monitoring\r\n\r\nWatch the logs.\r\n`);
  });

  it('add only the missing links', () => {
    const text = '---\na: 1\n---\nSee [[A]].';
    expect(applyBodyEdit(text, { kind: 'add-links', links: ['A', 'B', 'C|x', 'B'] })).toBe('---\na: 1\n---\nSee [[A]].\n- [[B]]\n- [[Cx]]\n');
    expect(applyBodyEdit(text, { kind: 'add-links', links: ['a'] })).toBe(text);
  });

  it('never touches frontmatter, even when the content tries to', () => {
    const out = applyBodyEdit(NOTE, { kind: 'replace-section', heading: 'Deploy', content: '---\nconfidence: low\n---\n' });
    expect(frontmatterBytes(out)).toBe(frontmatterBytes(NOTE));
    expect(out.startsWith('---\r\nconfidence: high # mine')).toBe(true);
  });

  it('refuses a section that is not there', () => {
    expect(() => applyBodyEdit(NOTE, { kind: 'replace-section', heading: 'not a heading', content: 'x' })).toThrow(EditError);
  });

  it('works on a note without frontmatter', () => {
    expect(applyBodyEdit('# T\n\n## A\nx\n', { kind: 'replace-section', heading: 'A', content: 'y' })).toBe('# T\n\n## A\ny\n');
  });
});
