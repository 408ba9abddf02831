import { describe, expect, it } from 'vitest';
import { assignDomainFolders } from '../../src/core/domain-folders';
import { utf8Bytes, MAX_NAME_BYTES } from '../../src/core/layout';

const none = () => null;
const folders = (paths: string[], owners: Record<string, string> = {}) => Object.fromEntries(assignDomainFolders(paths, (f) => owners[f] ?? null));

describe('one generated folder per domain note', () => {
  it('a domain whose name no other domain shares keeps its plain folder, whatever the folders hold', () => {
    expect(folders(['Notes/CUDA.md', 'Kubernetes.md'], { CUDA: 'Elsewhere/CUDA.md' })).toEqual({ 'Notes/CUDA.md': 'CUDA', 'Kubernetes.md': 'Kubernetes' });
  });

  it('the same basename in two folders: the first by path keeps the plain folder, the other is qualified by its parent', () => {
    expect(folders(['Work/CUDA.md', 'Home/CUDA.md'])).toEqual({ 'Home/CUDA.md': 'CUDA', 'Work/CUDA.md': 'CUDA (Work)' });
  });

  it('never moves an existing folder: the domain its generated notes name keeps it, whatever the paths', () => {
    // Work/CUDA.md was researched before Home/CUDA.md existed.
    expect(folders(['Work/CUDA.md', 'Home/CUDA.md'], { CUDA: 'Work/CUDA.md' })).toEqual({ 'Work/CUDA.md': 'CUDA', 'Home/CUDA.md': 'CUDA (Home)' });
    // A claim by a note that is not (or no longer) one of them decides nothing.
    expect(folders(['Work/CUDA.md', 'Home/CUDA.md'], { CUDA: 'Gone/CUDA.md' })).toEqual({ 'Home/CUDA.md': 'CUDA', 'Work/CUDA.md': 'CUDA (Work)' });
    // A qualified folder in use is kept too when a third CUDA sorts before its owner.
    const three = folders(['A/Work/CUDA.md', 'C/Work/CUDA.md', 'B/Work/CUDA.md'], { CUDA: 'C/Work/CUDA.md', 'CUDA (Work)': 'B/Work/CUDA.md' });
    expect(three['C/Work/CUDA.md']).toBe('CUDA');
    expect(three['B/Work/CUDA.md']).toBe('CUDA (Work)');
    expect(three['A/Work/CUDA.md']).toMatch(/^CUDA \(Work [0-9a-f]{6}\)$/);
  });

  it('names equal once made safe (# and :) or equal but for case share no folder', () => {
    expect(folders(['C#.md', 'C:.md'])).toEqual({ 'C#.md': 'C', 'C:.md': 'C (vault root)' });
    const cased = folders(['cuda.md', 'Work/CUDA.md']);
    expect(new Set(Object.values(cased).map((f) => f.toLowerCase())).size).toBe(2);
  });

  it('a qualified name that is another domain’s own name, or a parent shared by two, gets the path’s fingerprint; all unique, all in bytes', () => {
    const paths = ['CUDA (Work).md', 'Home/CUDA.md', 'Work/CUDA.md', 'X/Work/CUDA.md', `${'語'.repeat(79)}/${'語'.repeat(79)}.md`, `Other/${'語'.repeat(79)}.md`];
    const out = assignDomainFolders(paths, none);
    expect(out.get('CUDA (Work).md')).toBe('CUDA (Work)');
    const names = [...out.values()];
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(paths.length);
    for (const n of names) expect(utf8Bytes(n)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    // Deterministic: the same vault gives the same folders, in any order.
    expect(assignDomainFolders([...paths].reverse(), none)).toEqual(out);
  });
});
