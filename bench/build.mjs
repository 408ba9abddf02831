// Bundles the bench's TypeScript entries (bench/src/*.ts) to bench/tmp/*.cjs for plain node.
import esbuild from 'esbuild';
import { builtinModules } from 'node:module';

// Same replacement as esbuild.config.mjs: js-yaml is never bundled (gray-matter only needs it for its default engine).
export const noJsYaml = {
  name: 'no-js-yaml',
  setup(build) {
    build.onResolve({ filter: /^js-yaml$/ }, (args) => ({ path: args.path, namespace: 'empty' }));
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({
      contents: "const no = () => { throw new Error('js-yaml is not bundled'); };\nmodule.exports = { safeLoad: no, safeDump: no };",
    }));
  },
};

export async function buildEntries(entries, outdir) {
  await esbuild.build({
    entryPoints: entries,
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: false,
    logLevel: 'warning',
    legalComments: 'none',
    external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
    plugins: [noJsYaml],
  });
}
