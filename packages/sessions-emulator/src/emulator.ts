import type { AddressInfo } from 'node:net';
import type { ActivityReport } from './data/activity.js';
import { applyActivity } from './data/activity.js';
import { createRandom } from './data/random.js';
import { generateDataset } from './data/generate.js';
import { Faults, mergeFaults, noFaults, type FaultSettings } from './faults.js';
import { HttpError } from './http-error.js';
import type { ApiSession, ContentInspectionStatus } from './model.js';
import { MAX_PAGE_SIZE } from './query.js';
import { createApiServer, type LoggedRequest, type ServerContext } from './server.js';
import { Store } from './store.js';
import { Tokens } from './tokens.js';
import type { Answer } from './api.js';

/** Options of `startEmulator`; the command's flags map onto them. */
export interface EmulatorOptions {
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Number of sessions generated. @default 500 */
  sessions?: number;
  /** Seed of the generated data: the same seed and size give the same sessions. @default 42 */
  seed?: number;
  /**
   * Where the emulator's clock starts, in epoch ms; data lies in the 30 days before it. The clock then moves only
   * with `advance()` (and 1 ms per change), so runs are reproducible. @default the start of the current hour
   */
  now?: number;
  /** Lifetime of access tokens, in seconds. @default 900 */
  tokenTtlSec?: number;
  /** API client id accepted by `/v1/oauth`. @default 'emulator-client' */
  clientId?: string;
  /** API client secret accepted by `/v1/oauth`. @default 'emulator-secret' */
  clientSecret?: string;
  /** Notes a session may hold before add-note answers 400. @default 100 */
  maxNotesPerSession?: number;
  /**
   * The largest `page_size` a search may ask for; more is a 400. The vendor's API description gives 1000 as the
   * maximum (its text also says "Max of '50'", the Python SDK's limit): 50 plays a server that keeps to that.
   * @default 1000
   */
  maxPageSize?: number;
  /** Enable the `/_emulator/` control routes. @default false */
  control?: boolean;
  /** Faults from the start (latency, rate limit, failures); see FaultSettings. */
  faults?: Partial<FaultSettings>;
  /** API requests the request log keeps (oldest dropped first). @default 100000 */
  requestLogLimit?: number;
}

/** A session with what the API filters on but does not show, as `state()` dumps it. */
export interface SessionDump {
  session: ApiSession;
  watchlistIds: string[];
  contentInspectionStatus: ContentInspectionStatus;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:8042`. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** A refresh token for the refresh-token flow (`INCYDR_REFRESH_TOKEN` with `INCYDR_REFRESH_URL=<url>/v1/refresh`). */
  refreshToken: string;
  /** Regenerate the initial data, forget advances, requests and faults. */
  reset(): void;
  /** Every session with its side data, and the emulator's time. */
  state(): { now: number; tenantId: string; sessions: SessionDump[] };
  /** The API requests received so far, oldest first. */
  requests(): LoggedRequest[];
  clearRequests(): void;
  /** Let time pass: sessions grow, escalate, reopen and arrive (some late). */
  advance(ms: number): ActivityReport & { now: number };
  /** Change faults (merged into the current ones); returns the result. */
  setFaults(faults: Partial<FaultSettings>): FaultSettings;
  /** Make every access token issued so far invalid at once. */
  expireTokens(): void;
  close(): Promise<void>;
}

/** Start the emulator: generate data, listen, and resolve once it accepts connections. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const seed = options.seed ?? 42;
  const sessions = options.sessions ?? 500;
  if (!Number.isSafeInteger(sessions) || sessions < 0) throw new RangeError('sessions must be an integer of 0 or more');
  const maxPageSize = options.maxPageSize ?? MAX_PAGE_SIZE;
  if (!Number.isSafeInteger(maxPageSize) || maxPageSize < 1)
    throw new RangeError('maxPageSize must be an integer of 1 or more');
  const dataNow = options.now ?? Math.floor(Date.now() / 3_600_000) * 3_600_000;
  // The emulator's clock is simulated, not wall time: advance() moves it, and each change moves it by 1 ms so that
  // history entries stay ordered. The same requests and advances therefore always give the same data.
  let clockMs = dataNow;
  let advances = 0;
  const tick = (): number => (clockMs += 1);
  const initialFaults = mergeFaults(noFaults(), options.faults ?? {});

  const generate = (): Store => new Store(generateDataset({ seed, sessions, now: dataNow }));
  let store = generate();
  const tokens = new Tokens(store.dataset.tenantId);
  const clientId = options.clientId ?? 'emulator-client';
  const clientSecret = options.clientSecret ?? 'emulator-secret';
  const refreshToken = tokens.issueRefresh({ clientId });
  const random = createRandom(seed).fork('faults');

  const ctx: ServerContext = {
    get store() {
      return store;
    },
    tokens,
    seed,
    clientId,
    clientSecret,
    tokenTtlSec: options.tokenTtlSec ?? 900,
    maxNotesPerSession: options.maxNotesPerSession ?? 100,
    maxPageSize,
    now: tick,
    continuations: new Map(),
    faults: new Faults(initialFaults, () => random.next()),
    requestLog: [],
    requestLogLimit: options.requestLogLimit ?? 100_000,
    control: undefined,
  };

  const emulator: Emulator = {
    url: '',
    clientId,
    clientSecret,
    refreshToken,
    reset() {
      store = generate();
      clockMs = dataNow;
      advances = 0;
      ctx.requestLog.length = 0;
      ctx.continuations.clear();
      ctx.faults.settings = { ...initialFaults };
    },
    state() {
      return {
        now: clockMs,
        tenantId: store.dataset.tenantId,
        sessions: store.dataset.records.map(({ session, watchlistIds, contentInspectionStatus }) => ({
          session,
          watchlistIds,
          contentInspectionStatus,
        })),
      };
    },
    requests: () => [...ctx.requestLog],
    clearRequests() {
      ctx.requestLog.length = 0;
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms <= 0) throw new HttpError(400, 'advance needs a positive number of milliseconds');
      const fromMs = clockMs;
      clockMs += Math.round(ms);
      advances += 1;
      const report = applyActivity(store.dataset, { seed, fromMs, toMs: clockMs, step: advances });
      store.changed();
      return { ...report, now: clockMs };
    },
    setFaults(faults) {
      ctx.faults.settings = mergeFaults(ctx.faults.settings, faults);
      return { ...ctx.faults.settings };
    },
    expireTokens: () => tokens.expireAll(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  if (options.control === true)
    ctx.control = (method, path, params, body) => control(emulator, method, path, params, body);

  const server = createApiServer(ctx);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  emulator.url = `http://${host}:${address.port}`;
  return emulator;
}

/** The `/_emulator/` routes: the library methods over HTTP. */
function control(emu: Emulator, method: string, path: string, params: URLSearchParams, body: unknown): Answer {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  const object = (body ?? {}) as Record<string, unknown>;
  switch (route) {
    case 'POST /_emulator/reset':
      emu.reset();
      return { status: 204 };
    case 'GET /_emulator/state':
      return { status: 200, json: emu.state() };
    case 'GET /_emulator/requests':
      return { status: 200, json: emu.requests() };
    case 'DELETE /_emulator/requests':
      emu.clearRequests();
      return { status: 204 };
    case 'POST /_emulator/advance': {
      const ms = Number(object.ms ?? params.get('ms'));
      return { status: 200, json: emu.advance(ms) };
    }
    case 'GET /_emulator/faults':
      return { status: 200, json: emu.setFaults({}) };
    case 'POST /_emulator/faults':
      return { status: 200, json: emu.setFaults(object as Partial<FaultSettings>) };
    case 'DELETE /_emulator/faults':
      return { status: 200, json: emu.setFaults(noFaults()) };
    case 'POST /_emulator/expire-tokens':
      emu.expireTokens();
      return { status: 204 };
    default:
      throw new HttpError(404, `No control route ${route}`);
  }
}
