import { describe, expect, it } from 'vitest';
import { cardSize, canvasFromSkeleton, deriveCanvasText, sameSkeleton, skeletonFromCanvas, skeletonFromNote } from '../../src/core/skeleton';

const NOTE = `# K — skeleton

A 3-level map of [[K]].

- K
  - Workloads
    - Pods
    - Deployments and their rollout history, which is longer text than fits on one line of a card
  - Networking
    - Services
      - ClusterIP
    - Ingress

A paragraph after the list.

- a later list is not the skeleton
`;

describe('the skeleton note is the truth', () => {
  it('reads the domain, its areas and their concepts from the nested list; deeper items fold into their concept', () => {
    expect(skeletonFromNote(NOTE)).toEqual({
      areas: [
        { name: 'Workloads', concepts: ['Pods', 'Deployments and their rollout history, which is longer text than fits on one line of a card'] },
        { name: 'Networking', concepts: ['Services · ClusterIP', 'Ingress'] },
      ],
    });
  });

  it('reads tabs and other indent widths, and areas at the top when there is no single domain item', () => {
    expect(skeletonFromNote('* A\n\t* a1\n\t* a2\n* B\n\t* b1\n')).toEqual({ areas: [{ name: 'A', concepts: ['a1', 'a2'] }, { name: 'B', concepts: ['b1'] }] });
  });

  it('a derived canvas reads back as the note says; an edit to the note makes them disagree', () => {
    const s = skeletonFromNote(NOTE);
    const canvas = deriveCanvasText('K.md', s, null);
    expect(sameSkeleton(skeletonFromCanvas(canvas)!, s)).toBe(true);
    const edited = skeletonFromNote(NOTE.replace('    - Ingress', '    - Ingress\n    - Gateway API'));
    expect(sameSkeleton(skeletonFromCanvas(canvas)!, edited)).toBe(false);
  });

  it('sizes each card to its text: longer text, larger card, nothing overlaps in a column', () => {
    expect(cardSize('Pods').width).toBeLessThan(cardSize('Deployments and their rollout history').width);
    const long = cardSize('x'.repeat(300));
    expect(long.width).toBe(420);
    expect(long.height).toBeGreaterThan(cardSize('x'.repeat(30)).height);
    const c = canvasFromSkeleton('K.md', skeletonFromNote(NOTE));
    const concepts = c.nodes.filter((n) => /concept/.test(n.id)).sort((a, b) => a.y - b.y);
    for (let i = 1; i < concepts.length; i++) expect(concepts[i]!.y).toBeGreaterThanOrEqual(concepts[i - 1]!.y + concepts[i - 1]!.height);
    const text = c.nodes.find((n) => n.text?.startsWith('Deployments'))!;
    expect(text.height).toBeGreaterThan(60);
  });

  it('rewriting keeps the cards and edges a person added by hand', () => {
    const s = skeletonFromNote(NOTE);
    const first = JSON.parse(deriveCanvasText('K.md', s, null)) as { nodes: { id: string }[]; edges: { id: string }[] };
    first.nodes.push({ id: 'a1b2c3d4e5f6a7b8', type: 'text', text: 'My own note', x: 0, y: -200, width: 200, height: 60 } as never);
    first.edges.push({ id: 'f0e1d2c3b4a59687', fromNode: 'a1b2c3d4e5f6a7b8', toNode: 'area-1' } as never);
    const next = JSON.parse(deriveCanvasText('K.md', { areas: [{ name: 'Only', concepts: [] }] }, JSON.stringify(first))) as typeof first;
    expect(next.nodes.map((n) => n.id)).toEqual(['domain', 'area-1', 'a1b2c3d4e5f6a7b8']);
    expect(next.edges.map((e) => e.id)).toEqual(['e-domain-area-1', 'f0e1d2c3b4a59687']);
  });

  it('a canvas that is not JSON reads as nothing, so it is never taken as current', () => {
    expect(skeletonFromCanvas('{not json')).toBeNull();
  });
});
