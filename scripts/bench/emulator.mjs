// The emulator as a separate process (`--port 0`): started, read for its URL and INCYDR_* lines, stopped, and
// its control routes called, each step bounded in time.
import { emulatorBin, spawnTracked } from './process.mjs';

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 5_000;
const CONTROL_TIMEOUT_MS = 30_000;

/**
 * Start `incydr-emulator --port 0 --sessions N --latency-ms L [--control]` and resolve once it printed its
 * settings.
 * @param {{ sessions: number, latencyMs?: number, control?: boolean }} options
 * @returns {Promise<{ url: string, env: Record<string, string>, control: (method: string, path: string) => Promise<unknown>, stop: () => Promise<void> }>}
 */
export async function startEmulator({ sessions, latencyMs = 0, control = false }) {
  const args = [emulatorBin, '--port', '0', '--sessions', String(sessions), '--latency-ms', String(latencyMs)];
  if (control) args.push('--control');
  const child = spawnTracked(args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_096);
  });
  const exited = new Promise((resolve) => child.once('close', resolve));

  const env = await new Promise((resolve, reject) => {
    let text = '';
    let settled = false;
    const timer = setTimeout(
      () => fail(new Error(`the emulator did not start within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    const fail = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', (error) => fail(new Error(`cannot start the emulator: ${error.message}`, { cause: error })));
    child.once('close', (code) =>
      fail(new Error(`the emulator exited (${code}) before printing its URL: ${stderr.trim()}`)),
    );
    child.stdout.on('data', (chunk) => {
      if (settled) return;
      text += chunk.toString('utf8');
      const found = Object.fromEntries(
        [...text.matchAll(/^export (INCYDR_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2].trim()]),
      );
      if (found.INCYDR_URL && found.INCYDR_API_CLIENT_ID && found.INCYDR_API_CLIENT_SECRET) {
        settled = true;
        clearTimeout(timer);
        resolve(found);
      }
    });
  });

  return {
    url: env.INCYDR_URL,
    env,
    async control(method, path) {
      const response = await fetch(`${env.INCYDR_URL}${path}`, {
        method,
        signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
      return response.status === 204 ? undefined : response.json();
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      let timer;
      const timedOut = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      if ((await Promise.race([exited, timedOut])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
      clearTimeout(timer);
    },
  };
}
