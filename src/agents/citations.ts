import { normalizeSourceId } from '../core/distillate';
import { wikilink } from './note-text';

/** Source ids as the agents cite them ("S3"), normalised, and checked against the real ones. */

export const normalizeId = normalizeSourceId;

export class Citations {
  readonly unknown = new Set<string>();

  constructor(
    private readonly known: ReadonlySet<string>,
    private readonly sourcesNotePath: string,
  ) {}

  /** Renders cited ids as links into the sources note; an unknown id is marked unsupported. */
  render(ids: readonly string[]): string {
    const parts: string[] = [];
    const seen = new Set<string>();
    for (const raw of ids) {
      const id = normalizeId(raw);
      const key = id ?? raw;
      if (seen.has(key)) continue;
      seen.add(key);
      if (id && this.known.has(id)) parts.push(wikilink(`${this.sourcesNotePath.replace(/\.md$/i, '')}#${id}`, id));
      else {
        const label = (id ?? raw).replace(/[^\w-]/g, '').slice(0, 12) || '?';
        this.unknown.add(label);
        parts.push(`${label} (unsupported: no such source)`);
      }
    }
    return parts.length === 0 ? '(no source cited)' : `(${parts.join(', ')})`;
  }
}
