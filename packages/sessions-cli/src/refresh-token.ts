import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './checkpoint/atomic.js';
import { envLine, replaceEnvValue } from './dotenv-edit.js';

const KEY = 'INCYDR_REFRESH_TOKEN';

/** Where this run's refresh token was read: the process environment, or a `.env` / profile file. */
export type RefreshTokenOrigin = { kind: 'environment' } | { kind: 'file'; file: string; token: string };

/** `~/.config/incydr/rotated-refresh-token.env`: where a rotated token goes when its origin cannot take it. */
export function rescueFile(home = homedir()): string {
  return join(home, '.config', 'incydr', 'rotated-refresh-token.env');
}

/**
 * The SDK's `onRefreshToken` for the CLI: each rotated refresh token replaces the spent one where it was read (only
 * that line, atomically, the file's mode kept); when that cannot be done, it goes to {@link rescueFile} and one note
 * says so. Never throws (the run goes on with its access token) and never shows a token.
 */
export function keepRotatedRefreshToken(
  origin: RefreshTokenOrigin,
  note: (text: string) => void,
  home = homedir(),
): (token: { tokenValue: string }) => Promise<void> {
  // The token the origin file holds now: spent, and the one to replace at the next rotation as well.
  let held = origin.kind === 'file' ? origin.token : undefined;
  let warned = false;
  const warnOnce = (text: string): void => {
    if (!warned) note(`incydr: warning: ${text}`);
    warned = true;
  };
  return async ({ tokenValue }) => {
    let problem = '';
    if (origin.kind === 'file' && held !== undefined) {
      try {
        await replaceInFile(origin.file, held, tokenValue);
        held = tokenValue;
        return;
      } catch (error) {
        problem = (error as Error).message;
      }
    }
    const rescue = rescueFile(home);
    const spent = origin.kind === 'file' ? `the one in ${origin.file}` : `the one in ${KEY} (the environment)`;
    try {
      await saveRescue(rescue, tokenValue);
    } catch (error) {
      const reasons = [problem, (error as Error).message].filter((text) => text !== '').join('; ');
      warnOnce(
        `the server replaced the refresh token and ${spent} is spent, but the new one could not be saved ` +
          `(${reasons}): the next run needs a new refresh token`,
      );
      return;
    }
    warnOnce(
      origin.kind === 'file'
        ? `could not save the new refresh token in ${origin.file} (${problem}); ${spent} is spent. ` +
            `The new one is in ${rescue} (mode 0600): put its ${KEY} line into ${origin.file} before the next run`
        : `the server replaced the refresh token and ${spent} is spent; incydr cannot change its caller's ` +
            `environment, so the new one is in ${rescue} (mode 0600): load it before the next run ` +
            `(set -a; . ${rescue}; set +a), or keep ${KEY} in a profile or .env file, which incydr keeps up to date`,
    );
  };
}

// Through a symbolic link to the file itself (a link managed elsewhere stays a link); the mode is the file's.
async function replaceInFile(file: string, spent: string, fresh: string): Promise<void> {
  const target = await realpath(file);
  const [text, info] = await Promise.all([readFile(target, 'utf8'), stat(target)]);
  const next = replaceEnvValue(text, KEY, spent, fresh);
  if (next === undefined) throw new Error(`no line of it sets ${KEY} to the token this run used`);
  await writeFileAtomic(target, next, info.mode & 0o7777, { exactMode: true });
}

async function saveRescue(file: string, token: string): Promise<void> {
  const line = envLine(KEY, token);
  if (line === undefined) throw new Error('the token has characters a .env file cannot hold');
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${line}\n`, 0o600);
}
