import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigurationError } from './errors.js';

/** Where settings are looked up: the environment (default `process.env`) and a `.env` file. */
export interface SettingsSource {
  env?: Record<string, string | undefined>;
  /** The `.env` file; `null` for none; by default {@link defaultEnvFile}. */
  envFile?: string | null;
}

/** Where a `.env` file is looked for when the caller names none, in order: the working directory, the user's config folder. */
export function envFileCandidates(cwd = process.cwd(), home = homedir()): [string, string] {
  return [join(cwd, '.env'), join(home, '.config', 'incydr', '.env')];
}

/** The `.env` file read when the caller names none: the first of {@link envFileCandidates} that exists, else null. */
export function defaultEnvFile(cwd = process.cwd(), home = homedir()): string | null {
  return envFileCandidates(cwd, home).find((file) => existsSync(file)) ?? null;
}

/**
 * Look settings up by name, case-insensitively: the environment first, then the `.env` file, read at the first name
 * the environment lacks. An unreadable file throws ConfigurationError from that lookup.
 */
export function settingsLookup(source: SettingsSource = {}): (name: string) => string | undefined {
  const env = lowerKeys(source.env ?? process.env);
  let dotenv: Map<string, string> | undefined;
  return (name) => {
    const key = name.toLowerCase();
    const value = env.get(key);
    if (value !== undefined) return value;
    dotenv ??= readDotenv(source.envFile === undefined ? defaultEnvFile() : source.envFile);
    return dotenv.get(key);
  };
}

function readDotenv(file: string | null): Map<string, string> {
  if (file === null) return new Map();
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  return lowerKeys(parseEnv(content));
}

function lowerKeys(record: Record<string, string | undefined>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(record)) {
    if (value !== undefined && !map.has(key.toLowerCase())) map.set(key.toLowerCase(), value);
  }
  return map;
}
