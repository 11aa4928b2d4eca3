#!/usr/bin/env node
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './emulator.js';

const HOUR_MS = 3_600_000;

const USAGE = `Usage: incydr-emulator [options]

Serve the Incydr Sessions API with generated data on this machine. Its clock starts at the top of
the current hour and moves 1 ms per change (and by what /_emulator/advance adds), not with wall time.

Options:
  --host HOST             interface to bind (default 127.0.0.1)
  --port PORT             port, 0 for any free one (default 8042)
  --sessions N            sessions to generate (default 500)
  --seed N                data seed: same seed and size, same sessions (default 42)
  --latency-ms MS         delay every API answer (default 0)
  --token-ttl SECONDS     access token lifetime (default 900)
  --client-id ID          API client id to accept (default emulator-client)
  --client-secret SECRET  API client secret to accept (default emulator-secret)
  --max-page-size N       largest page_size a search may ask for; more is a 400 (default 1000,
                          the vendor's documented maximum; 50 plays a server that keeps to 50)
  --rate-limit N          answer 429 beyond N requests per minute per client (default off)
  --fail-rate R           answer this share (0..1) of API requests with 503 (default 0)
  --control               enable the /_emulator/ control routes (reset, state, requests, advance, faults)
  --write-env-file PATH   also write the INCYDR_* settings to PATH (mode 0600), e.g. ./.env, which incydr reads
  -h, --help              show this help
  -v, --version           show the version`;

/** Exit with a usage error (status 2) and a one-line message. */
function usageError(message: string): never {
  process.stderr.write(`incydr-emulator: ${message.replace(/\s*\n\s*/g, ' ')}\nTry 'incydr-emulator --help'.\n`);
  process.exit(2);
}

function number(name: string, text: string | undefined, min: number, max: number, integer = true): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    usageError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

/** A value as one bash/zsh word: bare when it holds only safe characters, else single-quoted. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A value for a `.env` line that `util.parseEnv` (and the incydr command) reads back unchanged. */
function dotenvValue(value: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]*$/.test(value)) return value;
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        sessions: { type: 'string' },
        seed: { type: 'string' },
        'latency-ms': { type: 'string' },
        'token-ttl': { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'max-page-size': { type: 'string' },
        'rate-limit': { type: 'string' },
        'fail-rate': { type: 'string' },
        control: { type: 'boolean' },
        'write-env-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    usageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.version === true) {
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return;
  }
  const rateLimit = number('rate-limit', values['rate-limit'], 1, 1_000_000);
  const failRate = number('fail-rate', values['fail-rate'], 0, 1, false);
  const options: EmulatorOptions = {
    // The clock start is chosen here, as the library would choose it, so that the line below can say it.
    now: Math.floor(Date.now() / HOUR_MS) * HOUR_MS,
    host: values.host ?? '127.0.0.1',
    port: number('port', values.port, 0, 65_535) ?? 8042,
    sessions: number('sessions', values.sessions, 0, 5_000_000) ?? 500,
    seed: number('seed', values.seed, 0, 2 ** 32 - 1) ?? 42,
    tokenTtlSec: number('token-ttl', values['token-ttl'], 0, 86_400) ?? 900,
    maxPageSize: number('max-page-size', values['max-page-size'], 1, 1_000_000) ?? 1000,
    control: values.control === true,
    faults: {
      latencyMs: number('latency-ms', values['latency-ms'], 0, 600_000) ?? 0,
      rateLimitPerMinute: rateLimit ?? null,
      failRate: failRate ?? 0,
    },
  };
  for (const name of ['client-id', 'client-secret'] as const) {
    const value = values[name];
    // Printed and written as one line of settings, read back by a shell or a .env parser.
    if (value !== undefined && (/[\r\n]/.test(value) || (value.includes("'") && value.includes('"')))) {
      usageError(`--${name} must not hold a line break, or both kinds of quotes`);
    }
  }
  if (values['client-id'] !== undefined) options.clientId = values['client-id'];
  if (values['client-secret'] !== undefined) options.clientSecret = values['client-secret'];

  let emulator;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ' (port in use: pick another with --port, or --port 0)' : '';
    process.stderr.write(`incydr-emulator: cannot start: ${(error as Error).message}${hint}\n`);
    process.exit(1);
  }
  const lines = [
    `Incydr Sessions API emulator listening on ${emulator.url} (${options.sessions} sessions, seed ${options.seed})`,
  ];
  lines.push(
    `Its clock starts at ${new Date(options.now ?? 0).toISOString()} (the top of the hour) and moves 1 ms per change, not with wall time: changes made now are stamped just after it`,
  );
  if (options.control === true) lines.push(`Control routes enabled under ${emulator.url}/_emulator/`);
  const settings: Array<[string, string]> = [
    ['INCYDR_URL', emulator.url],
    ['INCYDR_API_CLIENT_ID', emulator.clientId],
    ['INCYDR_API_CLIENT_SECRET', emulator.clientSecret],
  ];
  lines.push(
    'Use it from bash or zsh by pasting these lines (fish: set -gx NAME VALUE; PowerShell: $env:NAME = "VALUE"):',
    ...settings.map(([name, value]) => `export ${name}=${shellWord(value)}`),
  );
  // Not --env-file: Node 20 takes that flag as its own wherever it appears on the command line.
  const envFile = values['write-env-file'];
  if (envFile !== undefined) {
    try {
      await writeFile(envFile, settings.map(([name, value]) => `${name}=${dotenvValue(value)}\n`).join(''), {
        mode: 0o600,
      });
    } catch (error) {
      process.stderr.write(`incydr-emulator: cannot write --write-env-file ${envFile}: ${(error as Error).message}\n`);
      await emulator.close();
      process.exit(1);
    }
    lines.push(
      `or run incydr where it reads ${envFile} (wrote the same settings there; ./.env, or a profile file with --profile)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  // Listeners stay installed while stopping: a signal often comes twice (the process group's, and npx passing its own
  // on), and with no listener left the second would kill the process before it said it stops.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`incydr-emulator: ${signal}, stopping\n`);
    emulator
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
