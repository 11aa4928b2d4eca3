// The shapes shared by the steps of `sessions bulk-update-state`: decode → parse → validate → plan → apply → results.

/** Input formats of `sessions bulk-update-state`. */
export const BULK_FORMATS = ['csv', 'json-lines'] as const;

/** An input format. */
export type BulkFormat = (typeof BULK_FORMATS)[number];

/** A problem with the input, tied to the line (1-based) where it starts. */
export interface RowError {
  line: number;
  message: string;
}

/** A row as read, before validation: the recognised fields, undefined when absent. */
export interface RawRow {
  line: number;
  sessionId: unknown;
  state: unknown;
  note: unknown;
}

/** A valid row: what to send for it. */
export interface BulkRow {
  /** The line where the row starts (1-based). */
  line: number;
  sessionId: string;
  /** Upper-case session state. */
  state: string;
  /** The note to add, if any. */
  note?: string | undefined;
}

/** The fields a whole input provides (CSV: its header; JSON Lines: whatever each line has). */
export interface ParsedInput {
  rows: RawRow[];
  errors: RowError[];
  /** CSV only: the line of the header and which recognised columns it has. */
  header?: { line: number; sessionId: boolean; state: boolean; note: boolean } | undefined;
}

/** Render errors as `line N: …`, one per line, in line order. */
export function formatRowErrors(errors: readonly RowError[]): string[] {
  return [...errors].sort((a, b) => a.line - b.line).map((error) => `line ${error.line}: ${error.message}`);
}
