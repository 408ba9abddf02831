/** Where the CLI writes: results to stdout, progress and errors to stderr; swappable in tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Progress lines; shown only when stderr is a terminal, so pipes and CI logs stay clean. */
  progress(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * A progress line at most every `intervalMs`: callers report every note read, and at 50,000
 * notes a terminal write per note costs more than the reading. Clearing (`''`) always goes
 * through, so no stale line stays on screen.
 */
export function throttledProgress(write: (text: string) => void, now: () => number = Date.now, intervalMs = 100): (text: string) => void {
  let last = -Infinity;
  return (text) => {
    const t = now();
    if (text !== '' && t - last < intervalMs) return;
    last = text === '' ? -Infinity : t;
    write(text);
  };
}

export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    progress: throttledProgress((t) => {
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${t}`);
    }),
    env: process.env,
    cwd: process.cwd(),
  };
}
