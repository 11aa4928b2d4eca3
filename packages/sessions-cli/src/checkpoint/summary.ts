import type { RunSummary } from './store.js';

/** The end-of-run summary for stderr, one line. */
export function formatSummary(summary: RunSummary): string {
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped as oversize` : '';
  const resent =
    summary.resent > 0 ? `, ${summary.resent} sent again after a lost connection (possible duplicates)` : '';
  const unconfirmed =
    summary.unconfirmed > 0 ? `, ${summary.unconfirmed} unconfirmed (the next run sends them again)` : '';
  const status = summary.status === 'ok' ? '' : ` (${summary.status})`;
  return (
    `incydr: checkpoint "${summary.checkpoint}"${status}: fetched ${summary.fetched}, new ${summary.new}, ` +
    `changed ${summary.changed}, unchanged ${summary.unchanged}, ` +
    `delivered ${summary.delivered}${skipped}${resent}${unconfirmed}; ` +
    `entries ${summary.entriesBefore} -> ${summary.entriesAfter}; ${seconds} s${backfill(summary)}`
  );
}

function backfill(summary: RunSummary): string {
  const { backfill: reason, onOrAfter } = summary.window;
  if (reason === null) return '';
  const owed = summary.status === 'ok' ? 'backfill complete' : 'backfill still owed, the next run covers it again';
  return `; searched from ${onOrAfter} (${reason}, earlier than the lookback): ${owed}`;
}
