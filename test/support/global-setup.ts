import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** Tests drive the built main.js and CLI bundle: build them from the current source first. */
export default function setup(): void {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'esbuild.config.mjs'), 'production'], { cwd: root, stdio: 'pipe' });
}
