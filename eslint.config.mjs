import { defineConfig, globalIgnores } from 'eslint/config';
import obsidianmd from 'eslint-plugin-obsidianmd';
import globals from 'globals';

const LAYERS = ['core', 'vault', 'llm', 'sources', 'journal', 'agents', 'plugin', 'cli'];

/** One no-restricted-imports block per src/ folder: the folders it may not import, by relative path. */
function layerRules(allowed) {
  return allowed.map(([folder, may]) => {
    const banned = LAYERS.filter((l) => l !== folder && !may.includes(l));
    return {
      files: [`src/${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: `^(\\.\\./)+(${banned.join('|')})(/|$)`,
                message: `src/${folder}/ may import only ${may.length ? may.map((m) => `src/${m}/`).join(', ') : 'nothing else of the project'} (DESIGN §4 layers).`,
              },
            ],
          },
        ],
      },
    };
  });
}

export default defineConfig([
  globalIgnores(['node_modules/', 'main.js', 'dist/', 'demo-vault/', 'examples/', 'coverage/', 'bench/tmp/', 'eval/tmp/']),
  ...obsidianmd.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['eslint.config.mjs', 'esbuild.config.mjs', 'bin/*.cjs', 'test/support/*.cjs', 'scripts/*.mjs', 'bench/*.mjs', 'eval/*.mjs'],
          // The build, demo and bench scripts are plain .mjs outside the TS project; a dozen is fine.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 24,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // TypeScript already checks names; the core rule does not know type-only globals like NodeJS.
      'no-undef': 'off',
      // The declarative settings API needs Obsidian 1.13; minAppVersion is 1.11.4 (SecretStorage).
      'obsidianmd/settings-tab/prefer-setting-definitions': 'off',
    },
  },
  // DESIGN §4 layers: each folder of src/ imports only the folders listed before it (cli and
  // plugin are peer shells), so a cycle such as agents <-> journal cannot come back.
  ...layerRules([
    ['core', []],
    ['vault', ['core']],
    ['llm', ['core', 'vault']],
    ['sources', ['core', 'vault', 'llm']],
    ['journal', ['core', 'vault', 'llm', 'sources']],
    ['agents', ['core', 'vault', 'llm', 'sources', 'journal']],
    ['plugin', ['core', 'vault', 'llm', 'sources', 'journal', 'agents']],
    ['cli', ['core', 'vault', 'llm', 'sources', 'journal', 'agents']],
  ]),
  // Node is allowed only where the plugin never runs: the CLI, tests, benchmarks and build scripts.
  {
    files: ['src/cli/**', 'test/**', 'bench/**', 'eval/**', 'scripts/**', 'bin/**', '*.mjs', '*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'obsidianmd/no-nodejs-modules': 'off',
      'import/no-extraneous-dependencies': 'off',
      'no-console': 'off',
      'obsidianmd/rule-custom-message': 'off',
      'no-restricted-globals': 'off',
      '@typescript-eslint/no-restricted-imports': 'off',
      'obsidianmd/prefer-window-timers': 'off',
      'obsidianmd/no-global-this': 'off',
      'obsidianmd/hardcoded-config-path': 'off',
      'obsidianmd/ui/sentence-case': 'off',
    },
  },
  // The bin is a CommonJS shim that loads the bundled CLI; tests preload CommonJS into its process.
  {
    files: ['bin/*.cjs', 'test/support/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The in-repo obsidian API surface mirrors Obsidian's own classes for the tests.
  {
    files: ['test/**'],
    rules: {
      'obsidianmd/no-plugin-as-component': 'off',
      'obsidianmd/prefer-instanceof': 'off',
      'obsidianmd/no-tfile-tfolder-cast': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // The shim mirrors obsidian.d.ts, which itself types these as any.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
]);
