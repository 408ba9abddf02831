import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const EXAMPLE_VAULT = path.resolve(__dirname, '../../examples/vault');

/** A fresh temporary vault folder, optionally a copy of another; removed by `cleanup`. */
export function tempVault(copyFrom?: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'groundwork-vault-'));
  if (copyFrom) cpSync(copyFrom, dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under a folder with its bytes, to prove that a run left them untouched. */
export function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) out.set(path.relative(dir, abs).split(path.sep).join('/'), readFileSync(abs));
    }
  };
  if (statSync(dir).isDirectory()) walk(dir);
  return out;
}
