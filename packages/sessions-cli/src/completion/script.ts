import { createRequire } from 'node:module';
import { bashScript } from './bash.js';
import { fishScript } from './fish.js';
import { completionSpec } from './spec.js';
import { zshScript } from './zsh.js';

/** The completion script for a shell, generated from the current command definitions. */
export function completionScript(shell: 'bash' | 'zsh' | 'fish'): string {
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  const spec = completionSpec();
  if (shell === 'zsh') return zshScript(spec, version);
  if (shell === 'fish') return fishScript(spec, version);
  return bashScript(spec, version);
}
