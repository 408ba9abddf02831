// The demo: build, copy the example vault to demo-vault/, install the plugin into it, and print
// the autonomy map. demo-vault/ is a scratch copy: it is recreated on every run.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vault = path.join(root, 'demo-vault');
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });

console.error('1/4 Building main.js and the CLI');
run([path.join(root, 'esbuild.config.mjs'), 'production']);

console.error(`2/4 Copying examples/vault to demo-vault/ and installing the plugin`);
if (existsSync(vault)) rmSync(vault, { recursive: true, force: true });
cpSync(path.join(root, 'examples', 'vault'), vault, { recursive: true });
const pluginDir = path.join(vault, '.obsidian', 'plugins', 'groundwork');
mkdirSync(pluginDir, { recursive: true });
for (const f of ['main.js', 'manifest.json', 'styles.css']) cpSync(path.join(root, f), path.join(pluginDir, f));
writeFileSync(path.join(vault, '.obsidian', 'community-plugins.json'), JSON.stringify(['groundwork'], null, 2));

const cli = path.join(root, 'bin', 'groundwork.cjs');
console.error('3/4 The autonomy map of demo-vault/ (also written to demo-vault/Groundwork/Autonomy map.md)\n');
run([cli, 'map', vault, '--write']);

const domain = 'LoRA fine-tuning';
if (process.env.OPENAI_BASE_URL || process.env.OPENAI_API_KEY) {
  if (!process.env.GROUNDWORK_MODEL) process.env.GROUNDWORK_MODEL = process.env.OPENAI_BASE_URL ? 'llama3.1' : 'gpt-4o-mini';
  console.error(`\n4/4 The research cycle on "${domain}" with ${process.env.GROUNDWORK_MODEL} at ${process.env.OPENAI_BASE_URL ?? 'OpenAI'}\n`);
  try {
    run([cli, 'research', vault, domain]);
    run([cli, 'skeleton', vault, domain]);
    run([cli, 'map', vault, '--write']);
    console.error(`\nRead demo-vault/Groundwork/${domain}/: sources, distillate, critique and skeleton.`);
  } catch {
    console.error('\nThe research cycle stopped (see the line above); the map and the plugin are installed all the same.');
    process.exitCode = 1;
  }
} else {
  console.error(`\n4/4 A dry run of the research cycle on "${domain}" (no model is set, so nothing is called)\n`);
  run([cli, 'research', vault, domain, '--dry-run']);
  console.error(
    [
      '',
      'To run the real cycle, point Groundwork at a model and run the demo again:',
      '  Ollama (local):  OPENAI_BASE_URL=http://localhost:11434/v1 GROUNDWORK_MODEL=llama3.1 npm run demo',
      '  OpenAI:          OPENAI_API_KEY=sk-... GROUNDWORK_MODEL=gpt-4o-mini npm run demo',
    ].join('\n'),
  );
}
console.error(`\nOpen demo-vault/ as a vault in Obsidian, enable community plugins, and run "Groundwork: Open autonomy map".`);
