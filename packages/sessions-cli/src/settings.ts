import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ExitError } from './failures.js';

/**
 * The CLI's own settings (`INCYDR_USE_RICH`, `INCYDR_LOG_STDERR`) with the SDK's precedence (api.md §7): the
 * environment (names case-insensitive), then the `.env` file the client reads (the profile's, else `./.env`, else
 * `~/.config/incydr/.env`). Kept apart from the SDK, whose import would cost every command's start-up.
 */
export function settingLookup(env: NodeJS.ProcessEnv, envFile: string | undefined): (name: string) => string | undefined {
  const environment = lowerKeys(env);
  let dotenv: Map<string, string> | undefined;
  return (name) => {
    const key = name.toLowerCase();
    const value = environment.get(key);
    if (value !== undefined) return value;
    dotenv ??= readDotenv(envFile ?? defaultEnvFile());
    return dotenv.get(key);
  };
}

/** An environment variable by name, case-insensitive (INCYDR_PROFILE, which picks the `.env` file itself). */
export function environmentValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return lowerKeys(env).get(name.toLowerCase());
}

function defaultEnvFile(): string | undefined {
  const local = join(process.cwd(), '.env');
  if (existsSync(local)) return local;
  const user = join(homedir(), '.config', 'incydr', '.env');
  return existsSync(user) ? user : undefined;
}

function readDotenv(file: string | undefined): Map<string, string> {
  if (file === undefined) return new Map();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    // A missing profile file is the client's error to report, with its own message.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new ExitError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return lowerKeys(parseEnv(text));
}

function lowerKeys(record: Record<string, string | undefined>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(record)) {
    const trimmed = value?.trim();
    if (trimmed !== undefined && trimmed !== '' && !map.has(key.toLowerCase())) map.set(key.toLowerCase(), trimmed);
  }
  return map;
}
