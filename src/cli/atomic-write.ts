import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes through a temp file in the same folder and renames it over the target, so a reader (or
 * a crash) sees either the old bytes or the new ones, never half a file.
 */
export async function atomicWrite(
  absPath: string,
  data: string,
  opts: { exclusive?: boolean; /** Checked after the temp file is written, just before the swap; false aborts it. */ stillCurrent?: () => Promise<boolean> } = {},
): Promise<boolean> {
  await fs.mkdir(path.dirname(absPath), { recursive: true });
  const tmp = path.join(path.dirname(absPath), `.${path.basename(absPath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, data, { flag: 'wx' });
    if (opts.stillCurrent && !(await opts.stillCurrent())) {
      await fs.rm(tmp, { force: true });
      return false;
    }
    if (opts.exclusive) {
      // link() fails if the target exists, which rename() would silently replace.
      await fs.link(tmp, absPath);
      await fs.unlink(tmp);
    } else {
      await fs.rename(tmp, absPath);
    }
    return true;
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
