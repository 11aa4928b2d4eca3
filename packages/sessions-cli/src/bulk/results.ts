// The per-row outcome file of `--results`: CSV or JSON Lines, chosen by the file's extension.
import { rowResult, rowStatus, type RowOutcome } from './apply.js';
import { csvRow } from '../output/csv.js';

/** Formats of the results file. */
export type ResultsFormat = 'csv' | 'json-lines';

/** The format for a results path (`.csv`, `.jsonl`, `.json-lines`), or undefined for any other extension. */
export function resultsFormatOf(path: string): ResultsFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.json-lines')) return 'json-lines';
  return undefined;
}

/**
 * One record per row, in line order: row (line number), session_id, state, note, outcome (`ok`, `failed`: not
 * applied, safe to send again; `unknown`: may have been applied; `skipped`: not sent or not applied because the run
 * stopped), status (`ok` or what happened, in words).
 */
export function formatResults(outcomes: readonly RowOutcome[], format: ResultsFormat): string {
  const records = [...outcomes]
    .sort((a, b) => a.row.line - b.row.line)
    .map((outcome) => ({
      row: outcome.row.line,
      session_id: outcome.row.sessionId,
      state: outcome.row.state,
      note: outcome.row.note ?? '',
      outcome: rowResult(outcome),
      status: rowStatus(outcome),
    }));
  if (format === 'json-lines') return records.map((record) => `${JSON.stringify(record)}\n`).join('');
  const header = ['row', 'session_id', 'state', 'note', 'outcome', 'status'];
  const lines = [header, ...records.map((record) => Object.values(record))];
  // Spaces at a note's ends are quoted so that a reader that trims unquoted fields keeps them.
  return lines.map((cells) => csvRow(cells, { quoteEdgeSpaces: true })).join('');
}
