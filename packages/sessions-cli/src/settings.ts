import { settingsLookup } from '@x/sessions-sdk/env';
import { ExitError } from './failures.js';

/**
 * The CLI's own settings (`INCYDR_USE_RICH`, `INCYDR_LOG_STDERR`) looked up as the client looks its settings up
 * (api.md §7): the environment (names case-insensitive), then the `.env` file the client reads (the profile's, else
 * `./.env`, else `~/.config/incydr/.env`; `null`: none). Through the SDK's light `env` entry: its main one would cost every
 * command's start-up. Blank values count as unset, as they do for the client.
 */
export function settingLookup(
  env: NodeJS.ProcessEnv,
  envFile: string | null | undefined,
): (name: string) => string | undefined {
  const lookup = settingsLookup({ env, ...(envFile === undefined ? {} : { envFile }) });
  return (name) => {
    let value: string | undefined;
    try {
      value = lookup(name);
    } catch (error) {
      // A missing profile file is the client's error to report, with its own message.
      if ((error as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return undefined;
      throw new ExitError((error as Error).message);
    }
    const trimmed = value?.trim();
    return trimmed === '' ? undefined : trimmed;
  };
}

/** An environment variable by name, case-insensitive (INCYDR_PROFILE, which picks the `.env` file itself). */
export function environmentValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = settingsLookup({ env, envFile: null })(name)?.trim();
  return value === '' ? undefined : value;
}
