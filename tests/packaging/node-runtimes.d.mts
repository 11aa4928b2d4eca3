/** A Node binary to run the installed packages with. */
export interface NodeRuntime {
  major: number;
  /** `process.version` of that binary. */
  version: string;
  /** The folder holding the `node` binary, to put first on PATH (bins start with `#!/usr/bin/env node`). */
  binDir: string;
}

/** The Node majors the packaging tests run the installed packages on, besides the Node running them. */
export declare const RUNTIME_MAJORS: readonly number[];

/** The command that fills the cache, as the tests' skip lines name it. */
export declare const FETCH_COMMAND: string;

/** Where the runtimes are kept: `INCYDR_NODE_RUNTIMES_DIR`, else the user's cache folder. */
export declare function runtimeCacheDir(env?: NodeJS.ProcessEnv): string;

/** The registry package holding this platform's Node binary, or undefined where the registry has none. */
export declare function binaryPackage(platform?: string, arch?: string): string | undefined;

/** The cached Node `major` in `cacheDir`, or undefined when it is not there. */
export declare function cachedRuntime(major: number, cacheDir?: string): NodeRuntime | undefined;

/** Make the newest Node `major` of the registry available in `cacheDir`; rejects with a message naming the step. */
export declare function fetchRuntime(major: number, cacheDir?: string): Promise<{ runtime: NodeRuntime; note: string }>;
