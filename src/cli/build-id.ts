declare const __GROUNDWORK_BUILD__: string | undefined;

/**
 * A hash of the sources and the lockfile the CLI was built from (esbuild.config.mjs defines it):
 * what a cache of derived data is keyed by, so that a new build, or a new YAML parser, never
 * reads what an older one derived. Run from source (tests), it is a fixed word.
 */
export const BUILD_ID: string = typeof __GROUNDWORK_BUILD__ === 'string' ? __GROUNDWORK_BUILD__ : 'source';
