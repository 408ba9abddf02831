/**
 * The skeleton note is the truth; its canvas is derived from it (DESIGN §2). Pure functions:
 * read the 3-level list of the note, lay out the JSON Canvas with cards sized to their text, read
 * a canvas back to see whether it still says what the note says, and merge a new layout with the
 * cards a person added by hand (those are kept, never lost).
 */

export interface SkeletonAreas {
  areas: { name: string; concepts: string[] }[];
}

const ITEM = /^([ \t]*)[-*+][ \t]+(.*\S)[ \t]*$/;

/**
 * The areas and concepts of a skeleton note's body: its first nested list, read by indentation
 * (tabs or spaces, any width). The top item is the domain; its children are areas, theirs concepts;
 * deeper items are folded into their concept's text so nothing the person wrote disappears.
 */
export function skeletonFromNote(body: string): SkeletonAreas {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const items: { indent: number; text: string }[] = [];
  let started = false;
  for (const line of lines) {
    const m = ITEM.exec(line);
    if (m) {
      started = true;
      items.push({ indent: m[1]!.replace(/\t/g, '    ').length, text: m[2]! });
    } else if (started && line.trim() !== '' && !/^[ \t]/.test(line)) break;
  }
  if (items.length === 0) return { areas: [] };
  const levels = [...new Set(items.map((i) => i.indent))].sort((a, b) => a - b);
  const level = (indent: number) => levels.indexOf(indent);
  const areas: SkeletonAreas['areas'] = [];
  // With a single top-level item it is the domain; otherwise the top items are the areas.
  const oneRoot = items.filter((i) => level(i.indent) === 0).length === 1;
  const shift = oneRoot ? 1 : 0;
  for (const it of items) {
    const l = level(it.indent) - shift;
    if (l < 0) continue;
    if (l === 0) areas.push({ name: it.text, concepts: [] });
    else if (areas.length > 0) {
      const area = areas[areas.length - 1]!;
      if (l === 1 || area.concepts.length === 0) area.concepts.push(it.text);
      else area.concepts[area.concepts.length - 1] += ` · ${it.text}`;
    }
  }
  return { areas };
}

interface CanvasNode {
  id: string;
  type: string;
  text?: string;
  file?: string;
  x: number;
  y: number;
  width: number;
  height: number;
  color?: string;
  [k: string]: unknown;
}
interface CanvasEdge {
  id: string;
  fromNode: string;
  toNode: string;
  [k: string]: unknown;
}
interface Canvas {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  [k: string]: unknown;
}

/** A card just big enough for its text: width from the longest line, height from the wrapped lines. */
export function cardSize(text: string, charWidth = 8, minWidth = 160, maxWidth = 420): { width: number; height: number } {
  const lines = text.split('\n');
  const longest = Math.max(...lines.map((l) => l.length));
  const width = Math.min(maxWidth, Math.max(minWidth, Math.ceil(longest * charWidth) + 48));
  const perLine = Math.max(1, Math.floor((width - 48) / charWidth));
  const wrapped = lines.reduce((n, l) => n + Math.max(1, Math.ceil(l.length / perLine)), 0);
  return { width, height: Math.max(60, wrapped * Math.ceil(charWidth * 3.2) + 36) };
}

const GAP = 24;
const COLUMN_GAP = 120;

/** The derived ids: anything else on a canvas was put there by a person. */
const DERIVED_ID = /^(domain|area-\d+(-concept-\d+)?)$/;
const DERIVED_EDGE = /^e-(domain-area-\d+|area-\d+-area-\d+-concept-\d+)$/;

/** JSON Canvas 1.0 of the skeleton: the domain on the left, areas in a column, each area's concepts to its right. */
export function canvasFromSkeleton(domainPath: string, s: SkeletonAreas): Canvas {
  const nodes: CanvasNode[] = [];
  const edges: CanvasEdge[] = [];
  const areaCards = s.areas.map((a) => cardSize(`## ${a.name}`, 11));
  const conceptCards = s.areas.map((a) => a.concepts.map((c) => cardSize(c)));
  const areaW = Math.max(160, ...areaCards.map((c) => c.width));
  const domainCard = { width: 260, height: 80 };
  const areaX = domainCard.width + COLUMN_GAP;
  const conceptX = areaX + areaW + COLUMN_GAP;
  const blockHeights = s.areas.map((_, i) => {
    const concepts = conceptCards[i]!.reduce((h, c) => h + c.height + GAP, -GAP);
    return Math.max(areaCards[i]!.height, concepts) + GAP * 2;
  });
  const total = blockHeights.reduce((x, y) => x + y, 0);
  nodes.push({ id: 'domain', type: 'file', file: domainPath, x: 0, y: Math.round(total / 2 - domainCard.height / 2), ...domainCard, color: '5' });
  let y = 0;
  s.areas.forEach((a, i) => {
    const h = blockHeights[i]!;
    const areaId = `area-${i + 1}`;
    const card = areaCards[i]!;
    nodes.push({ id: areaId, type: 'text', text: `## ${a.name}`, x: areaX, y: Math.round(y + h / 2 - card.height / 2), width: areaW, height: card.height, color: '4' });
    edges.push({ id: `e-domain-${areaId}`, fromNode: 'domain', fromSide: 'right', toNode: areaId, toSide: 'left' });
    const conceptsH = conceptCards[i]!.reduce((t, c) => t + c.height + GAP, -GAP);
    let cy = y + Math.max(GAP, Math.round((h - conceptsH) / 2));
    a.concepts.forEach((c, j) => {
      const id = `${areaId}-concept-${j + 1}`;
      const cc = conceptCards[i]![j]!;
      nodes.push({ id, type: 'text', text: c, x: conceptX, y: cy, width: cc.width, height: cc.height });
      edges.push({ id: `e-${areaId}-${id}`, fromNode: areaId, fromSide: 'right', toNode: id, toSide: 'left' });
      cy += cc.height + GAP;
    });
    y += h;
  });
  return { nodes, edges };
}

function parseCanvas(text: string): Canvas | null {
  try {
    const c = JSON.parse(text) as Canvas;
    return c && Array.isArray(c.nodes) && Array.isArray(c.edges) ? c : null;
  } catch {
    return null;
  }
}

/** What a canvas says, read back through its derived cards and edges; null when it is not a readable canvas. */
export function skeletonFromCanvas(text: string): SkeletonAreas | null {
  const c = parseCanvas(text);
  if (!c) return null;
  const byId = new Map(c.nodes.map((n) => [n.id, n]));
  const children = (id: string) =>
    c.edges
      .filter((e) => e.fromNode === id && byId.has(e.toNode))
      .map((e) => byId.get(e.toNode)!)
      .sort((a, b) => a.y - b.y || a.x - b.x);
  const areas = children('domain')
    .filter((n) => DERIVED_ID.test(n.id))
    .map((n) => ({ name: (n.text ?? '').replace(/^##\s+/, ''), concepts: children(n.id).filter((k) => DERIVED_ID.test(k.id)).map((k) => k.text ?? '') }));
  return { areas };
}

export function sameSkeleton(a: SkeletonAreas, b: SkeletonAreas): boolean {
  return JSON.stringify(a.areas) === JSON.stringify(b.areas);
}

/**
 * The canvas text for a skeleton note: derived from the note, with every node and edge a person
 * added on the canvas (an id the derivation never uses) kept as it was.
 */
export function deriveCanvasText(domainPath: string, s: SkeletonAreas, current: string | null): string {
  const next = canvasFromSkeleton(domainPath, s);
  const old = current ? parseCanvas(current) : null;
  if (old) {
    const own = old.nodes.filter((n) => !DERIVED_ID.test(n.id));
    const ids = new Set([...next.nodes, ...own].map((n) => n.id));
    next.nodes.push(...own);
    next.edges.push(...old.edges.filter((e) => !DERIVED_EDGE.test(e.id) && ids.has(e.fromNode) && ids.has(e.toNode)));
  }
  return `${JSON.stringify(next, null, '\t')}\n`;
}
