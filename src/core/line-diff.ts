/**
 * A line diff for showing a person what accepting a proposal will change. Common prefix and
 * suffix are trimmed first, so the LCS table only covers the changed middle (notes are small,
 * edits are local).
 */

export type DiffLine = { op: ' ' | '+' | '-'; text: string };

export function lineDiff(before: string, after: string, context = 3): DiffLine[] {
  const a = before.replace(/\r\n?/g, '\n').split('\n');
  const b = after.replace(/\r\n?/g, '\n').split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  // Past a size where a full table costs too much, show the middle as removed then added.
  const middle: DiffLine[] = [];
  if (am.length * bm.length > 4_000_000) {
    for (const t of am) middle.push({ op: '-', text: t });
    for (const t of bm) middle.push({ op: '+', text: t });
  } else {
    const n = am.length;
    const m = bm.length;
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = am[i] === bm[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        middle.push({ op: ' ', text: am[i]! });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) middle.push({ op: '-', text: am[i++]! });
      else middle.push({ op: '+', text: bm[j++]! });
    }
  }
  const head = a.slice(Math.max(0, pre - context), pre).map((text) => ({ op: ' ' as const, text }));
  const tail = a.slice(a.length - suf, a.length - suf + context).map((text) => ({ op: ' ' as const, text }));
  return [...head, ...middle, ...tail];
}
