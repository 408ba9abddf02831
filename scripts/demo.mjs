// The demo: build, copy the example vault to demo-vault/, install the plugin into it, and print
// the autonomy map. demo-vault/ is a scratch copy: it is recreated on every run.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vault = path.join(root, 'demo-vault');
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });

console.error('1/3 Building main.js and the CLI');
run([path.join(root, 'esbuild.config.mjs'), 'production']);

console.error(`2/3 Copying examples/vault to demo-vault/ and installing the plugin`);
if (existsSync(vault)) rmSync(vault, { recursive: true, force: true });
cpSync(path.join(root, 'examples', 'vault'), vault, { recursive: true });
const pluginDir = path.join(vault, '.obsidian', 'plugins', 'groundwork');
mkdirSync(pluginDir, { recursive: true });
for (const f of ['main.js', 'manifest.json', 'styles.css']) cpSync(path.join(root, f), path.join(pluginDir, f));
writeFileSync(path.join(vault, '.obsidian', 'community-plugins.json'), JSON.stringify(['groundwork'], null, 2));

console.error('3/3 The autonomy map of demo-vault/ (also written to demo-vault/Groundwork/Autonomy map.md)\n');
run([path.join(root, 'bin', 'groundwork.cjs'), 'map', vault, '--write']);
console.error(`\nOpen demo-vault/ as a vault in Obsidian, enable community plugins, and run "Groundwork: Open autonomy map".`);
