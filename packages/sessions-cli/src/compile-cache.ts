import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Where the CLI keeps Node's compile cache: `$XDG_CACHE_HOME/incydr/compile-cache`, else under `~/.cache`. */
export function compileCacheDir(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env['XDG_CACHE_HOME'];
  // The XDG spec ignores a relative path; a shared folder such as the system's temp folder is never used, because
  // whoever can write the cache can choose the code the next run executes.
  return join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'incydr', 'compile-cache');
}

/**
 * Let Node (22.1 and later; Node 20 has no compile cache) keep the code it compiles for the CLI, so that the next
 * command starts sooner. Node's own variables apply: NODE_DISABLE_COMPILE_CACHE=1 turns it off, NODE_COMPILE_CACHE=DIR
 * moves it.
 */
export function useCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  const { enableCompileCache } = nodeModule as { enableCompileCache?: (dir: string) => unknown };
  if (enableCompileCache === undefined) return;
  try {
    enableCompileCache(compileCacheDir(env, homedir()));
  } catch {
    // A cache Node cannot keep (no home folder, a read-only disk) costs the next start its speed, nothing else.
  }
}
