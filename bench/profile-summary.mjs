// Summarises a .cpuprofile: self time per function and per source file (top N), for the README.
import * as fs from 'node:fs';
const prof = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const top = Number(process.argv[3] ?? 15);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dt[i] ?? 0));
// Unminified esbuild bundles mark each module with a `// path` comment line: attribute lines to modules.
const moduleOf = new Map();
function moduleAt(url, line) {
  if (!url.startsWith('file://')) return null;
  let marks = moduleOf.get(url);
  if (!marks) {
    marks = [];
    try {
      fs.readFileSync(new URL(url), 'utf8').split('\n').forEach((l, i) => {
        const m = /^\/\/ ((?:node_modules|src)\/\S+)$/.exec(l);
        if (m) marks.push([i, m[1]]);
      });
    } catch {
      // not a readable bundle: attribute by function only
    }
    moduleOf.set(url, marks);
  }
  let found = null;
  for (const [i, name] of marks) if (i <= line) found = name; else break;
  return found;
}
const group = (name) => {
  if (!name) return null;
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(name);
  return m ? m[1] : name;
};
const mod = new Map();
const fn = new Map();
const file = new Map();
let total = 0;
for (const [id, us] of self) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const key = `${cf.functionName || '(anon)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  const f = cf.url ? cf.url.split('/').slice(-2).join('/') : cf.functionName;
  file.set(f, (file.get(f) ?? 0) + us);
  const g = group(moduleAt(cf.url, cf.lineNumber)) ?? (cf.url ? cf.url.split('/').slice(-2).join('/') : cf.functionName);
  mod.set(g, (mod.get(g) ?? 0) + us);
  total += us;
}
const show = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`total ${(total / 1000).toFixed(0)} ms\n-- by module --\n${show(mod)}\n-- by function --\n${show(fn)}`);
