import { mkdir } from 'node:fs/promises';
import type { Client, Session, SessionSearch } from '@x/sessions-sdk';
import type { RecordChange } from '@x/sessions-sdk/siem';
import type { Context } from '../context.js';
import { ExitError, InterruptedError, UsageError } from '../failures.js';
import { counted } from '../output/text.js';
import { deliverRecords, newDeliveryCount, type DeliveryPlan } from '../delivery/deliver.js';
import type { ChangeOf } from '../delivery/siem.js';
import type { RecordSink } from '../delivery/sink.js';
import { removeLeftoverTemporaries, writeFileAtomic } from './atomic.js';
import { sessionDigest } from './digest.js';
import { acquireLock } from './lock.js';
import { checkpointFiles, checkpointsRoot } from './paths.js';
import { importPythonCheckpoint } from './python.js';
import { checkpointQuery, describeQuery, sameQuery } from './query.js';
import {
  emptyStore,
  readStore,
  writeStore,
  type CheckpointEntry,
  type CheckpointStore,
  type RunSummary,
} from './store.js';
import { formatSummary } from './summary.js';
import { recordsOnScreen } from '../progress.js';

/** What `search --checkpoint` was asked. */
export interface CheckpointRunOptions {
  name: string;
  /** The user's filters with `--start`/`--end` already resolved to epoch ms. */
  filters: SessionSearch;
  lookbackMs: number;
  emit: 'changed' | 'new';
  /** Records per delivery confirmation and store save. */
  confirmEvery: number;
  /** Whether the records go to stdout (no progress line when that is the terminal). @default false */
  toStdout?: boolean;
  /** Paging options for the search (`--concurrency`). */
  paging?: { concurrency?: number };
  summaryJson?: string | undefined;
  /** Folder of all checkpoints. @default ~/.incydr/checkpoints */
  root?: string;
}

/**
 * One incremental run (sync.md): search the window, send what is new or changed, and record a session in the
 * store only after the sink confirmed its delivery. The store is written atomically after each confirmed batch
 * and at the end, under a lock file; an interrupt confirms and saves what was sent, then exits 130. `openSink` is
 * told, for each session it gets, whether the run sends it as new or as changed (for SIEM records).
 */
export async function runCheckpoint(
  client: Client,
  openSink: (changeOf: ChangeOf) => Promise<RecordSink>,
  options: CheckpointRunOptions,
  ctx: Context,
): Promise<RunSummary> {
  const started = Date.now();
  const clientKey = client.apiClientId ?? (await client.getTenantId({ signal: ctx.signal }));
  if (clientKey === undefined) {
    throw new ExitError('cannot tell which tenant this checkpoint belongs to: the access token has no tenantUid claim');
  }
  const files = checkpointFiles(options.root ?? checkpointsRoot(), clientKey, options.name);
  await mkdir(files.folder, { recursive: true, mode: 0o700 });
  const label = `checkpoint "${options.name}"`;
  const lock = await acquireLock(files.lock, label);
  try {
    // A run killed while saving leaves its temporary copy; under the lock no other write can be under way.
    await removeLeftoverTemporaries(files.store);
    const existing = await readStore(files.store, options.name);
    const imported = existing === undefined ? await importPythonCheckpoint(files, options.name, started) : undefined;
    if (imported !== undefined) {
      ctx.note(
        `incydr: imported ${counted(imported.sessions.size, 'delivered session id')} from the Python checkpoint ${imported.importedFrom}`,
      );
    }
    const query = checkpointQuery(options.filters, client.url, clientKey);
    const store = existing ?? imported ?? emptyStore(options.name, query, started);
    if (store.query !== null && !sameQuery(store.query, query)) {
      throw new UsageError(
        `${label} was made for a different query: it has [${describeQuery(store.query)}], this run asks ` +
          `[${describeQuery(query)}]; use another name, or \`incydr sessions checkpoint reset ${options.name}\` to start over`,
      );
    }
    store.query = query;
    const fresh = existing === undefined && imported === undefined;
    const startOption = typeof options.filters.startTime === 'number' ? options.filters.startTime : undefined;
    const lookbackStart = started - options.lookbackMs;
    const regular = Math.max(startOption ?? lookbackStart, lookbackStart);
    // A new checkpoint may reach back further than the lookback (a backfill); it stays owed until a run completes.
    if (fresh && startOption !== undefined && startOption < regular)
      store.backfill = { onOrAfter: startOption, reason: '--start' };
    const owed = store.backfill !== null && store.backfill.onOrAfter < regular ? store.backfill : null;
    const onOrAfter = owed === null ? regular : owed.onOrAfter;
    const before = typeof options.filters.endTime === 'number' ? options.filters.endTime : undefined;
    const summary: RunSummary = {
      checkpoint: options.name,
      status: 'ok',
      error: null,
      fetched: 0,
      new: 0,
      changed: 0,
      unchanged: 0,
      delivered: 0,
      skipped: 0,
      resent: 0,
      unconfirmed: 0,
      delivery: null,
      entriesBefore: store.sessions.size,
      entriesAfter: store.sessions.size,
      window: {
        onOrAfter: new Date(onOrAfter).toISOString(),
        before: before === undefined ? null : new Date(before).toISOString(),
        backfill: owed === null ? null : owed.reason,
      },
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
    };
    const save = async (): Promise<void> => {
      for (const [id, entry] of store.sessions) if (entry.beginTime < onOrAfter) store.sessions.delete(id);
      store.updatedAt = new Date().toISOString();
      summary.entriesAfter = store.sessions.size;
      await writeStore(files.store, store);
    };
    // Each session's class, set when it was compared with the store, for the sink that maps it to a SIEM record.
    const changes = new WeakMap<object, RecordChange>();
    try {
      const sink = await openSink((session) => changes.get(session));
      await deliver({ client, sink, store, summary, save, changes }, { ...options, onOrAfter, before }, ctx);
    } catch (error) {
      const closed = isOutputClosed(error);
      summary.status = isInterrupt(error) ? 'interrupted' : 'failed';
      summary.error =
        summary.status === 'failed' ? (closed ? 'stdout was closed by its reader' : (error as Error).message) : null;
      // The run's own error is what the user must see; a failure to save on top of it is only noted.
      await finish(store, summary, started, save, options, ctx).catch((saveError: unknown) =>
        ctx.note(`incydr: could not save ${label}: ${(saveError as Error).message}`),
      );
      throw closed ? notRecorded(summary, label) : error;
    }
    if (ctx.signal.aborted) summary.status = 'interrupted';
    else store.backfill = null;
    await finish(store, summary, started, save, options, ctx);
    if (summary.status === 'interrupted') throw new InterruptedError('interrupted');
    return summary;
  } finally {
    await lock.release();
  }
}

type Window = CheckpointRunOptions & { onOrAfter: number; before: number | undefined };

/** What a run delivers with: the sink opened for it, the store it records in, and its summary. */
interface CheckpointDelivery {
  client: Client;
  sink: RecordSink;
  store: CheckpointStore;
  summary: RunSummary;
  save: () => Promise<void>;
  /** Where each session that goes out is recorded as new or changed. */
  changes: WeakMap<object, RecordChange>;
}

/**
 * Send the window's new and changed sessions through the one delivery loop, recording each batch in the store once
 * the sink confirmed it.
 */
async function deliver(run: CheckpointDelivery, options: Window, ctx: Context): Promise<void> {
  const { sink, store, summary } = run;
  summary.delivery = sink.delivery;
  const count = newDeliveryCount();
  let untracked = 0;
  // Each session's digest, taken once when it was compared with the store, for its entry once it is delivered.
  const digests = new WeakMap<Session, string>();
  const detail = (): string => `${summary.fetched.toLocaleString('en-US')} fetched`;
  const plan: DeliveryPlan<Session, [string, CheckpointEntry]> = {
    sink,
    confirmEvery: options.confirmEvery,
    progress: options.toStdout !== true || !recordsOnScreen(ctx.stdout) ? 'sessions sent' : undefined,
    detail,
    confirmWait: 'waiting for the delivery to be confirmed',
    count,
    receipt(session) {
      const id = session.sessionId ?? undefined;
      if (id !== undefined) return [id, entryOf(session, digests.get(session) ?? sessionDigest(session), 0)];
      untracked += 1;
      return undefined;
    },
    async confirmed(receipts) {
      const at = Date.now();
      for (const [id, entry] of receipts) store.sessions.set(id, { ...entry, deliveredAt: at });
      await run.save();
    },
  };
  try {
    const fetched = (session: Session, digest: string): void => {
      digests.set(session, digest);
      ctx.progress.count(count.sent, { detail: detail() });
    };
    const sessions = changedSessions(run, options, fetched, ctx);
    await deliverRecords(sessions, plan, ctx);
  } finally {
    summary.delivered = count.delivered;
    summary.skipped = count.skipped;
    summary.unconfirmed = count.unconfirmed;
    summary.resent = sink.resent;
    if (untracked > 0) {
      const what = `${counted(untracked, 'session')} without a sessionId ${untracked === 1 ? 'was' : 'were'}`;
      ctx.note(`incydr: warning: ${what} sent and cannot be recorded`);
    }
  }
}

/**
 * The sessions of the window that go out: new ones, and changed ones unless `--emit new`, each recorded in
 * `run.changes` as such; each fetched session is counted in the summary and told to `fetched` with its digest (so that
 * the progress line moves while nothing is sent).
 */
async function* changedSessions(
  run: CheckpointDelivery,
  options: Window,
  fetched: (session: Session, digest: string) => void,
  ctx: Context,
): AsyncGenerator<Session> {
  const { client, store, summary } = run;
  const filters: SessionSearch = { ...options.filters, startTime: options.onOrAfter };
  if (options.before === undefined) delete filters.endTime;
  else filters.endTime = options.before;
  for await (const session of client.sessions.v1.iterAll(filters, { signal: ctx.signal, ...options.paging })) {
    summary.fetched += 1;
    const digest = sessionDigest(session);
    fetched(session, digest);
    const id = session.sessionId ?? undefined;
    const entry = id === undefined ? undefined : store.sessions.get(id);
    if (entry !== undefined && entry.digest === null) {
      // Imported from the Python CLI: delivered by it, so only its current digest is recorded.
      store.sessions.set(id as string, entryOf(session, digest, entry.deliveredAt));
      summary.unchanged += 1;
      continue;
    }
    const kind = entry === undefined ? 'new' : entry.digest === digest ? 'unchanged' : 'changed';
    summary[kind] += 1;
    if (kind === 'new' || (kind === 'changed' && options.emit === 'changed')) {
      run.changes.set(session, kind);
      yield session;
    }
  }
}

function entryOf(session: Session, digest: string, deliveredAt: number): CheckpointEntry {
  return {
    digest,
    beginTime: session.beginTime ?? Date.now(),
    lastUpdated: session.lastUpdated ?? null,
    deliveredAt,
  };
}

async function finish(
  store: CheckpointStore,
  summary: RunSummary,
  started: number,
  save: () => Promise<void>,
  options: CheckpointRunOptions,
  ctx: Context,
): Promise<void> {
  summary.durationMs = Date.now() - started;
  store.lastRun = summary;
  await save();
  ctx.observer?.summary?.(summary);
  ctx.note(formatSummary(summary));
  if (options.summaryJson !== undefined)
    await writeFileAtomic(options.summaryJson, `${JSON.stringify(summary, null, 2)}\n`, 0o644);
}

/** The writer's OutputClosedError (by name: the writer module loads only for stdout). */
function isOutputClosed(error: unknown): boolean {
  return error instanceof Error && error.name === 'OutputClosedError';
}

/**
 * A checkpointed run whose stdout reader went away (`| head`) did not deliver what it was asked to: unlike a plain
 * search, it fails (exit 1) and says what the checkpoint holds, since the records written since the last confirmed
 * batch are not recorded and the next run sends them again.
 */
function notRecorded(summary: RunSummary, label: string): ExitError {
  const written = summary.delivered + summary.unconfirmed;
  const recorded =
    summary.delivered === 0
      ? `${label} not advanced (nothing recorded): the next run sends ${written === 1 ? 'it' : 'them'} again`
      : `${label} recorded only the first ${summary.delivered} (confirmed before): the next run sends the rest again`;
  return new ExitError(`stdout was closed by its reader after ${counted(written, 'record')}; ${recorded}`);
}

function isInterrupt(error: unknown): boolean {
  // SyslogAbortError: the syslog sender stopped for the interrupt (see delivery/syslog.ts), not for a failure of its
  // own.
  if (error instanceof InterruptedError) return true;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'SyslogAbortError');
}
