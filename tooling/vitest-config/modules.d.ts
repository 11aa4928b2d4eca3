/**
 * What a run gave and the URLs of the ES modules it loaded, in load order; `code` is null when a signal or the timeout
 * ended it.
 */
export interface LoadedModules {
  code: number | null;
  stdout: string;
  stderr: string;
  urls: string[];
}

/** Run `node …args` in `cwd` and list the URLs of the ES modules it loaded, in load order (hooks excluded). */
export declare function loadedModules(
  args: readonly string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<LoadedModules>;
