// The floor for `map`: walk the vault and read every .md file as UTF-8 text, nothing else.
// The plain way: a directory walk, then reads 32 at a time. With --blocking, one blocking read
// after another instead (open, fstat, read, close), as the CLI reads a vault that is in memory
// (src/vault/read-while-fast.ts): reported beside the plain read, the lower floor of the two.
import { closeSync, fstatSync, openSync, promises as fs, readFile, readSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(process.argv[2]);
const blocking = process.argv.includes('--blocking');
const files = [];
async function walk(dir) {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const subdirs = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) subdirs.push(abs);
    else if (e.isFile() && e.name.toLowerCase().endsWith('.md')) files.push(abs);
  }
  for (const d of subdirs) await walk(d);
}
await walk(root);
let chars = 0;
if (blocking) {
  const scratch = Buffer.allocUnsafe(64 * 1024);
  for (const f of files) {
    const fd = openSync(f, 'r');
    const size = fstatSync(fd).size;
    const buf = size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
    let n = 0;
    while (n < size) {
      const got = readSync(fd, buf, n, size - n, n);
      if (got === 0) break;
      n += got;
    }
    closeSync(fd);
    chars += buf.toString('utf8', 0, n).length;
  }
} else {
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      // The callback form, as NodeVault reads: fs.promises.readFile is 2.5× slower on small files.
      const text = await new Promise((resolve, reject) => readFile(files[next++], 'utf8', (err, t) => (err ? reject(err) : resolve(t))));
      chars += text.length;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}
process.stdout.write(JSON.stringify({ files: files.length, chars }) + '\n');
