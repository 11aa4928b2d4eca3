import { jsonLine, jsonPretty } from './json.js';
import type { OutputRecord, RecordWriterOptions } from './writer.js';

/** Turns records into text; a header, if any, comes with the first record. */
export interface Formatter {
  format(record: OutputRecord): string;
  /** The text for an empty result; throws when `--columns` is invalid even against the model's columns. */
  empty(): string;
}

/**
 * The formatter of one output format. Table, CSV and card modules (and the SDK models behind the column lists)
 * load only for the format in use.
 */
export async function loadFormatter(options: RecordWriterOptions): Promise<Formatter> {
  const { format, kind, columns: spec, width, color } = options;
  switch (format) {
    case 'json-lines':
      return { format: jsonLine, empty: () => '' };
    case 'json-pretty':
      return { format: jsonPretty, empty: () => '' };
    case 'lines':
      return { format: (record) => (typeof record === 'string' ? `${record}\n` : jsonLine(record)), empty: () => '' };
    case 'rich': {
      const { renderSessionCard } = await import('./rich.js');
      let first = true;
      return {
        format(record) {
          const card = renderSessionCard(fields(record, format), { width, color });
          const text = first ? card : `\n${card}`;
          first = false;
          return text;
        },
        empty: () => '',
      };
    }
    case 'csv': {
      const [{ createCsvFormatter }, { availableColumns, columnAliases, csvColumns, recordPath, resolveColumns }] =
        await Promise.all([import('./csv.js'), import('./columns.js')]);
      let csv: ReturnType<typeof createCsvFormatter> | undefined;
      return {
        format(given) {
          const record = fields(given, format);
          if (csv !== undefined) return csv.row(record);
          // Without --columns the header is the Python CLI's, whatever the records hold, so it never depends on
          // which record came first.
          const columns =
            spec === undefined
              ? csvColumns(kind)
              : resolveColumns(spec, availableColumns(kind, record), columnAliases(kind));
          csv = createCsvFormatter(
            columns,
            columns.map((column) => recordPath(kind, column)),
            { escapeFormulas: options.escapeFormulas === true },
          );
          return csv.header() + csv.row(record);
        },
        empty() {
          if (spec !== undefined) resolveColumns(spec, availableColumns(kind), columnAliases(kind));
          return '';
        },
      };
    }
    case 'table': {
      const [table, { availableColumns, columnAliases, resolveColumns }] = await Promise.all([
        import('./table.js'),
        import('./columns.js'),
      ]);
      const defaults =
        kind === 'session' ? table.DEFAULT_SESSION_TABLE_COLUMNS : table.DEFAULT_FILE_EVENT_TABLE_COLUMNS;
      const priority =
        kind === 'session' ? table.DEFAULT_SESSION_TABLE_PRIORITY : table.DEFAULT_FILE_EVENT_TABLE_PRIORITY;
      let formatter: ReturnType<typeof table.createTableFormatter> | undefined;
      return {
        format(given) {
          const record = fields(given, format);
          if (formatter !== undefined) return formatter.row(record);
          formatter =
            spec === undefined
              ? table.createTableFormatter({ kind, columns: defaults, priority, width, color })
              : table.createTableFormatter({
                  kind,
                  columns: resolveColumns(spec, availableColumns(kind, record), columnAliases(kind)),
                  width,
                  color,
                });
          if (formatter.dropped.length > 0) {
            options.note?.(
              `incydr: the table leaves out ${formatter.dropped.join(', ')} to fit ${width} columns ` +
                '(choose with --columns, or use -f csv)',
            );
          }
          return formatter.header() + formatter.row(record);
        },
        empty() {
          if (spec !== undefined) resolveColumns(spec, availableColumns(kind), columnAliases(kind));
          return `${table.NO_RESULTS}\n`;
        },
      };
    }
  }
}

/** The record as an object: table, csv and the card lay out fields, which a line of text has none of. */
function fields(record: OutputRecord, format: string): Readonly<Record<string, unknown>> {
  if (typeof record === 'string') throw new TypeError(`the ${format} format needs records with fields, not text lines`);
  return record;
}
