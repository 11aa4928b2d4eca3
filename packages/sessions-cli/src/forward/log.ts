// The service's lines for people on stderr: as they are (`--log-format text`), or as JSON lines through pino
// (`json`): `level`, `time`, `msg`, and `pipeline` with the run summary's counts where the line is about one.
import { Writable } from 'node:stream';
import type { RunSummary } from '../checkpoint/store.js';
import { formatSummary } from '../checkpoint/summary.js';

/** The formats of `--log-format`. */
export const LOG_FORMATS = ['json', 'text'] as const;
/** A format of `--log-format`. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** How severe a line is. */
export type LineLevel = 'info' | 'warn' | 'error';

/** Where the service's lines go. */
export interface ForwardLog {
  /** A line about the service (`incydr: …`). */
  note(line: string): void;
  /** A line about one pipeline (without `incydr: `). */
  pipeline(name: string, line: string, level?: LineLevel): void;
  /** The summary of a pipeline's run: its line, coming next, carries the counts as fields. */
  summary(name: string, summary: RunSummary): void;
  /** A stream whose lines become service lines, for what writes to stderr itself (the SIGTERM line); none in text. */
  readonly stream?: Writable;
}

/** Lines as the other commands write them: `note` (the context's, which keeps control characters out) does it. */
export function textLog(note: (line: string) => void): ForwardLog {
  return {
    note,
    pipeline: (name, line) => note(`${name}: ${line}`),
    summary: () => undefined,
  };
}

/**
 * JSON lines on `stream`, else on stderr (fd 2) written at once: no worker thread (pino's transports), nothing lost
 * when the process ends.
 */
export async function jsonLog(stream?: NodeJS.WritableStream): Promise<ForwardLog> {
  const { pino } = await import('pino');
  const logger = pino(
    {
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream ?? pino.destination({ fd: 2, sync: true }),
  );
  /** Each pipeline's summary, and the text of its line, until that line comes. */
  const summaries = new Map<string, { summary: RunSummary; line: string }>();
  const note = (line: string): void => {
    const text = line.replace(/^incydr: /, '');
    logger[levelOf(text)](text);
  };
  return {
    note,
    pipeline(name, line, level) {
      const pending = summaries.get(name);
      if (pending !== undefined && pending.line === `incydr: ${line}`) {
        summaries.delete(name);
        const { summary } = pending;
        const { checkpoint, status, fetched, changed, unchanged, delivered, skipped, resent, unconfirmed } = summary;
        const counts = { fetched, new: summary.new, changed, unchanged, delivered, skipped, resent, unconfirmed };
        logger.info({ pipeline: name, checkpoint, status, ...counts, durationMs: summary.durationMs }, line);
        return;
      }
      logger[level ?? levelOf(line)]({ pipeline: name }, line);
    },
    summary: (name, summary) => summaries.set(name, { summary, line: formatSummary(summary) }),
    stream: linesTo(note),
  };
}

/** Warnings and failures by their words (the lines are the ones people read in text). */
function levelOf(line: string): LineLevel {
  if (/^warning: |^syslog retry |next attempt in /.test(line)) return 'warn';
  if (/ failed|^reload failed/.test(line)) return 'error';
  return 'info';
}

/** A stream that hands each complete, non-blank line written to it to `line`. */
export function linesTo(line: (text: string) => void): Writable {
  let rest = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const text of lines) if (text.trim() !== '') line(text);
      done();
    },
    final(done) {
      if (rest.trim() !== '') line(rest);
      done();
    },
  });
}
