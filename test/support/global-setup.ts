import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * Tests drive the built main.js and CLI bundle: build them from the current source first. A
 * failed build is reported, not thrown, so the tests that do not need the bundles still run and
 * the ones that do fail on their own with a clear message.
 */
export default function setup(): void {
  const root = path.resolve(__dirname, '../..');
  try {
    execFileSync(process.execPath, [path.join(root, 'esbuild.config.mjs'), 'production'], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    console.warn(`\nThe build failed, so tests of main.js and the CLI bundle will fail:\n${stderr}`);
  }
}
