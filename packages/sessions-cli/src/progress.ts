import { fstatSync } from 'node:fs';

/** A one-line progress display on stderr: a count, its rate and what the run waits on. */
export interface Progress {
  /** Start counting `label` (e.g. `sessions sent`) from 0, towards `total` when it is known. */
  start(label: string, total?: number): void;
  /** The count of the current task so far, with the total when it changed; `detail` (e.g. `12 fetched`) follows. */
  count(done: number, more?: { total?: number; detail?: string }): void;
  /**
   * What the run waits on now, until the next count: with `ms`, a countdown (`waiting 5 s (text)`), else `text` itself.
   */
  waiting(text: string, ms?: number): void;
  /** Write a line for humans on stderr: the progress line is cleared first and drawn again after. */
  note(text: string): void;
  /** Clear the progress line; a later `start` draws again. */
  stop(): void;
}

/** Where and how {@link createProgress} draws. */
export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Nothing is drawn before a task ran this long, so quick commands show nothing. @default 1000 */
  showAfterMs?: number;
  /** Least time between two redraws. @default 100 */
  redrawMs?: number;
}

const CLEAR_LINE = '\r\x1b[2K';
/** How often the line is drawn again when nothing is counted (the elapsed time and a wait's countdown move). */
const TICK_MS = 500;

/**
 * Whether records written to `stdout` may reach the screen: a terminal, or a pipe (whose reader, `jq` or `less`, likely
 * prints there); progress for them is drawn only when they go to a file.
 */
export function recordsOnScreen(stdout: { isTTY?: boolean; fd?: unknown }): boolean {
  if (stdout.isTTY === true) return true;
  if (typeof stdout.fd !== 'number') return false;
  try {
    return fstatSync(stdout.fd).isFIFO();
  } catch {
    return true;
  }
}

/** Whether progress may be drawn on `stream`: a terminal that understands escapes, and not in CI. */
export function progressWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.CI === undefined || env.CI === '') && env.TERM !== 'dumb';
}

/** A progress display on a terminal, or one that only passes notes through when {@link progressWanted} says no. */
export function createProgress(options: ProgressOptions): Progress {
  const { stream } = options;
  const writeNote = (text: string): void => {
    stream.write(`${text}\n`);
  };
  if (!progressWanted(stream, options.env)) {
    return {
      start: () => undefined,
      count: () => undefined,
      waiting: () => undefined,
      note: writeNote,
      stop: () => undefined,
    };
  }
  const showAfterMs = options.showAfterMs ?? 1_000;
  const redrawMs = options.redrawMs ?? 100;
  let task: { label: string; total: number | undefined; startedAt: number; done: number; detail: string } | undefined;
  let wait: { text: string; until: number } | undefined;
  let shown = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let pending: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;

  const clear = (): void => {
    if (shown) stream.write(CLEAR_LINE);
    shown = false;
  };
  const draw = (): void => {
    clearTimeout(pending);
    pending = undefined;
    if (task === undefined) return;
    const now = Date.now();
    if (now - task.startedAt < showAfterMs) return;
    lastDraw = now;
    if (wait !== undefined && now >= wait.until) wait = undefined;
    // A line wider than the terminal wraps, and the next \r would then leave the first part behind.
    const columns = (stream.columns ?? 0) > 0 ? (stream.columns as number) : 80;
    const text = render(task, wait, now);
    stream.write(`${CLEAR_LINE}${[...text].slice(0, columns - 1).join('')}`);
    shown = true;
  };
  const redraw = (): void => {
    const sinceMs = Date.now() - lastDraw;
    if (sinceMs >= redrawMs) draw();
    else pending ??= setTimeout(draw, redrawMs - sinceMs).unref();
  };

  return {
    start(label, total) {
      task = { label, total, startedAt: Date.now(), done: 0, detail: '' };
      wait = undefined;
      clearInterval(ticker);
      ticker = setInterval(draw, TICK_MS).unref();
    },
    count(done, more = {}) {
      if (task === undefined) return;
      task.done = done;
      task.detail = more.detail ?? '';
      if (more.total !== undefined) task.total = more.total;
      // A timed wait (one request's Retry-After) outlives counts made by other requests meanwhile.
      if (wait !== undefined && !Number.isFinite(wait.until)) wait = undefined;
      redraw();
    },
    waiting(text, ms) {
      wait = { text, until: ms === undefined ? Number.POSITIVE_INFINITY : Date.now() + ms };
      redraw();
    },
    note(text) {
      const wasShown = shown;
      clear();
      writeNote(text);
      if (wasShown) draw();
    },
    stop() {
      clearInterval(ticker);
      clearTimeout(pending);
      ticker = undefined;
      pending = undefined;
      task = undefined;
      wait = undefined;
      clear();
    },
  };
}

function render(
  task: { label: string; total: number | undefined; startedAt: number; done: number; detail: string },
  wait: { text: string; until: number } | undefined,
  now: number,
): string {
  const seconds = (now - task.startedAt) / 1000;
  const parts = [
    `${task.label}: ${task.done.toLocaleString('en-US')}${task.total === undefined ? '' : `/${task.total.toLocaleString('en-US')}`}`,
  ];
  if (task.detail !== '') parts.push(task.detail);
  if (seconds >= 1) parts.push(`${Math.round(task.done / seconds).toLocaleString('en-US')}/s`);
  parts.push(`${Math.floor(seconds)} s`);
  if (wait !== undefined) {
    parts.push(
      Number.isFinite(wait.until)
        ? `waiting ${Math.max(1, Math.ceil((wait.until - now) / 1000))} s (${wait.text})`
        : wait.text,
    );
  }
  return parts.join(' · ');
}

/** Why the run waits, for one wait the SDK told about (`onWait`): shown as `waiting 5 s (<this>)`. */
export function waitReason(wait: { reason: string; cause: string }): string {
  if (wait.reason === 'retry-after') return 'server asked: Retry-After';
  if (wait.reason === 'request-limit') return '--max-requests-per-minute reached';
  return `retrying after ${wait.cause}`;
}
