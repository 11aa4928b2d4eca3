/** Debian's package holding promtool. */
export declare const PROMTOOL_PACKAGE: string;

/** The command that fills the cache, as the tests' skip lines name it. */
export declare const FETCH_COMMAND: string;

/** Where the unpacked package is kept: `INCYDR_PROMTOOL_DIR`, else the user's cache folder. */
export declare function promtoolCacheDir(env?: NodeJS.ProcessEnv): string;

/** The unpacked promtool in `cacheDir`, or `{ missing }` saying why not. */
export declare function cachedPromtool(
  cacheDir?: string,
): { binary: string; missing?: undefined } | { missing: string };

/**
 * `promtool check metrics` on `text`: `{ problems }` (empty when it passes), or `{ skipped }` naming why promtool is
 * not there; with INCYDR_REQUIRE_PROMTOOL=1 a missing promtool rejects instead.
 */
export declare function promtoolCheck(
  text: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ problems: string; skipped?: undefined } | { skipped: string; problems?: undefined }>;

/** Download and unpack Debian's `prometheus` into `cacheDir` unless its promtool is already there. */
export declare function fetchPromtool(cacheDir?: string): Promise<{ binary: string; note: string }>;
