// Two builds from one source tree: the Obsidian plugin (main.js, no Node API so it runs on
// mobile) and the headless CLI (dist/cli.mjs and its chunks in dist/cli/, Node).
import esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const builtins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// gray-matter requires 'fs' only for matter.read(), which Groundwork never calls, and js-yaml
// only for its default engine, which Groundwork replaces with the yaml package. Empty modules
// keep Node's fs out of main.js (mobile) and 40 KB of unused parser out of both bundles.
const unusedByGrayMatter = (filter) => ({
  name: 'unused-by-gray-matter',
  setup(build) {
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'empty' }));
    build.onLoad({ filter: /.*/, namespace: 'empty' }, (args) => ({
      contents:
        args.path === 'js-yaml'
          ? "const no = () => { throw new Error('js-yaml is not bundled: Groundwork reads YAML with the yaml package'); };\nmodule.exports = { safeLoad: no, safeDump: no };"
          : 'module.exports = {};',
    }));
  },
});

// The MCP SDK's server requires ajv (only to validate elicitation answers, which the server never
// asks for: it gets a validator of its own) and Zod 3 with its JSON Schema converter (only for Zod 3
// schemas; Groundwork's are Zod 4). Stubs that throw if ever reached keep ~450 KB out of the CLI.
const unusedByMcpServer = (filter) => ({
  name: 'unused-by-mcp-server',
  setup(build) {
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'unused-by-mcp-server' }));
    build.onLoad({ filter: /.*/, namespace: 'unused-by-mcp-server' }, (args) => ({
      contents: `const no = () => { throw new Error(${JSON.stringify(`${args.path} is not bundled in the Groundwork CLI`)}); };\nmodule.exports = no;\nmodule.exports.default = no;`,
    }));
  },
});

// Groundwork calls one endpoint of the openai SDK, chat.completions.create. Its client still
// constructs every other resource (admin, beta, responses, realtime, …), and the chat resource
// imports the streaming and tool-running helpers; none of them is ever called. Those modules become
// empty classes of the same names (functions that throw), so the real client serves chat
// completions with ~100 KB less in main.js. An openai release that reshapes one of them fails the
// build here instead of the plugin at run time.
const OPENAI_UNUSED = [
  ...['admin', 'audio', 'beta', 'containers', 'conversations', 'evals', 'fine-tuning', 'graders', 'realtime', 'responses', 'skills', 'uploads', 'vector-stores', 'webhooks'].map((r) => `resources/${r}/${r}`),
  ...['batches', 'completions', 'embeddings', 'files', 'images', 'models', 'moderations', 'videos'].map((r) => `resources/${r}`),
  ...['ChatCompletionStream', 'ChatCompletionRunner', 'ChatCompletionStreamingRunner'].map((m) => `lib/${m}`),
];
const unusedOfOpenai = {
  name: 'unused-of-openai',
  setup(build) {
    const filter = new RegExp(`[\\/]openai[\\/](${OPENAI_UNUSED.map((m) => m.replace(/\//g, '[\\/]')).join('|')})\\.m?js$`);
    build.onLoad({ filter }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const names = [...source.matchAll(/^export (class|function) (\w+)/gm)];
      if (names.length === 0 || /^export (?!class |function )/m.test(source)) throw new Error(`openai's ${args.path} changed shape: update OPENAI_UNUSED in esbuild.config.mjs`);
      const stub = ([, kind, name]) =>
        kind === 'class'
          ? `export class ${name} { constructor(client) { this._client = client; } }`
          : `export function ${name}() { throw new Error(${JSON.stringify(`openai's ${name} is not bundled in Groundwork`)}); }`;
      return { contents: names.map(stub).join('\n'), loader: 'js' };
    });
  },
};

export const plugin = {
  entryPoints: ['src/plugin/main.ts'],
  bundle: true,
  outfile: 'main.js',
  format: 'cjs',
  platform: 'browser',
  target: 'es2020',
  external: ['obsidian', 'electron', '@codemirror/*', '@lezer/*', ...builtins],
  // openai's package.json "browser" fields keep Node shims out of the plugin bundle.
  mainFields: ['browser', 'module', 'main'],
  conditions: ['browser'],
  minify: true,
  sourcemap: false,
  treeShaking: true,
  logLevel: 'info',
  legalComments: 'none',
  plugins: [unusedByGrayMatter(/^((node:)?fs|js-yaml)$/), unusedOfOpenai],
};

// Every source file and the lockfile, hashed: the CLI keys its cache of note records by it
// (src/cli/build-id.ts), so any change to how a note is read, ours or a parser's, starts afresh.
function buildId() {
  const hash = createHash('sha256');
  const src = fileURLToPath(new URL('src/', import.meta.url));
  const files = readdirSync(src, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  for (const f of files) hash.update(`${f}\0`).update(readFileSync(src + f)).update('\0');
  hash.update(readFileSync(new URL('package-lock.json', import.meta.url)));
  return hash.digest('hex').slice(0, 16);
}

// What the CLI's builds share: Node, unminified (readable stack traces and profiles).
const node = {
  define: { __GROUNDWORK_BUILD__: JSON.stringify(buildId()) },
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: false,
  sourcemap: false,
  logLevel: 'info',
  legalComments: 'none',
  // The CLI needs the real fs: only js-yaml is replaced there.
  plugins: [unusedByGrayMatter(/^js-yaml$/), unusedByMcpServer(/^(ajv|ajv-formats|zod\/v3|zod-to-json-schema)$/), unusedOfOpenai],
};

// The CLI is an ES module split into chunks, so that node reads and compiles only what a command
// imports: `map` and `check` skip the model client, the HTML reader and the MCP SDK (one 2.5 MB
// file took ~70 ms to load before `map` read a note). Shared modules live in one chunk each, so
// every class and module-level state exists once whatever a command loads. Bundled CommonJS
// packages call `require`; the banner gives every chunk node's own.
export const cli = {
  ...node,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  format: 'esm',
  splitting: true,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'cli/[name]-[hash]',
  banner: { js: "import { createRequire as __groundworkRequire } from 'node:module';\nconst require = __groundworkRequire(import.meta.url);" },
};

// Claude Code runs the hook as a new process before every tool call of an outside agent: its own
// bundle (bin/groundwork.cjs loads it for `hook`) spares each call loading the whole CLI. One
// CommonJS file: nothing to split, and require() is the quickest load.
export const hook = { ...node, entryPoints: ['src/cli/hook-main.ts'], format: 'cjs', outfile: 'dist/hook.cjs' };

// Imported (by the bench, to build exactly what ships) it only exports the options.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === 'production') {
    // Chunk names carry a hash: the last build's would pile up.
    rmSync('dist/cli', { recursive: true, force: true });
    await Promise.all([plugin, cli, hook].map((o) => esbuild.build(o)));
  } else {
    const dev = { ...plugin, minify: false, sourcemap: 'inline' };
    const contexts = await Promise.all([dev, cli, hook].map((o) => esbuild.context(o)));
    await Promise.all(contexts.map((c) => c.watch()));
  }
}
