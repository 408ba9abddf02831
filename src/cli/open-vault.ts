import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NodeVault } from './node-vault';
import { CliFailure } from './errors';
import { sweepStaleTemps } from './atomic-write';

/** Opens `<vault>` for the CLI, refusing a missing path or a file with one clear line. */
export async function openVault(arg: string, cwd: string): Promise<NodeVault> {
  const root = path.resolve(cwd, arg);
  let st;
  try {
    st = await fs.stat(root);
  } catch {
    throw new CliFailure(`no such vault folder: ${arg}`);
  }
  if (!st.isDirectory()) throw new CliFailure(`${arg} is a file, not a vault folder`);
  try {
    await fs.access(root, fs.constants.R_OK);
  } catch {
    throw new CliFailure(`cannot read the vault folder ${arg} (permission denied)`);
  }
  const vault = new NodeVault(root);
  // The plugin's data folder: temp files of writes a kill -9 interrupted (the vault's own are
  // removed by its listing).
  await sweepStaleTemps(path.join(vault.root, vault.configDir, 'plugins', 'groundwork'));
  return vault;
}
