/** Where the CLI writes: results to stdout, progress and errors to stderr; swappable in tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Progress lines; shown only when stderr is a terminal, so pipes and CI logs stay clean. */
  progress(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    progress: (t) => {
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${t}`);
    },
    env: process.env,
    cwd: process.cwd(),
  };
}
