// The floor for `map`: walk the vault and read every .md file as UTF-8 text, nothing else.
// Same shape of I/O as loadModel (directory walk, then reads 32 at a time).
import { promises as fs, readFile } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(process.argv[2]);
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
let next = 0;
let chars = 0;
const worker = async () => {
  while (next < files.length) {
    // The callback form, as NodeVault reads: fs.promises.readFile is 2.5× slower on small files.
    const text = await new Promise((resolve, reject) => readFile(files[next++], 'utf8', (err, t) => (err ? reject(err) : resolve(t))));
    chars += text.length;
  }
};
await Promise.all(Array.from({ length: 32 }, worker));
process.stdout.write(JSON.stringify({ files: files.length, chars }) + '\n');
