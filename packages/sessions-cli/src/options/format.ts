import type { Argv } from 'yargs';
import { UsageError } from '../failures.js';
import { choice } from './choices.js';
import { completes } from './values.js';

/** `-f/--format`, `--columns` and `--escape-formulas`. */
export interface FormatArgs {
  format?: string;
  columns?: string;
  escapeFormulas?: boolean;
}

/**
 * Add `-f/--format` with these choices (the default depends on INCYDR_USE_RICH, so it is resolved in `run`), and
 * `--escape-formulas` where csv is one of them.
 */
export function withFormat<T>(yargs: Argv<T>, formats: readonly string[], columns: boolean): Argv<T & FormatArgs> {
  completes(yargs, 'format', { values: formats });
  let built = yargs.option('format', {
    alias: 'f',
    type: 'string',
    requiresArg: true,
    describe: `Output format: ${formats.join(', ')} (default ${formats[0]}${formats.includes('json-lines') ? '; json-lines when INCYDR_USE_RICH=false' : ''})`,
  });
  if (formats.includes('csv')) {
    built = built.option('escape-formulas', {
      type: 'boolean',
      describe:
        "csv: prefix text cells starting with =, +, -, @, TAB or CR with ' so spreadsheets do not run them as " +
        'formulas (off: the data stays exact)',
    });
  }
  if (columns) {
    built = built.option('columns', {
      type: 'string',
      requiresArg: true,
      describe:
        'Comma-separated fields for table and csv: snake_case or camelCase, dot paths, * globs (file.*); ignored, with a warning, for JSON and --output',
    });
  }
  return built as unknown as Argv<T & FormatArgs>;
}

/** The format to use: the option (case-insensitive), else the rich default, else JSON Lines. */
export function resolveFormat<T extends string>(args: FormatArgs, formats: readonly T[], useRich: boolean): T {
  if (args.format !== undefined) return choice('format', args.format, formats);
  const fallback = formats[0] as T;
  return useRich ? fallback : (formats.find((f) => f === 'json-lines') ?? fallback);
}

/**
 * The `--columns` value to use with a format (`json-lines`, or an option such as `--output` that decides the
 * records): kept for table and csv; ignored with the others, as the Python CLI documents, with one line on stderr
 * saying so.
 */
export function columnsFor(args: FormatArgs, format: string, note: (text: string) => void): string | undefined {
  if (args.columns === undefined || format === 'table' || format === 'csv') return args.columns;
  const used = usedWith(format);
  note(`incydr: warning: --columns is ignored with ${used}: it applies to the table and csv formats`);
  return undefined;
}

/**
 * Whether to neutralise formula cells; `--escape-formulas` with another format or with an option that decides the
 * records (`--output`, `--record`) is a usage error.
 */
export function escapeFormulasFor(args: FormatArgs, format: string): boolean {
  if (args.escapeFormulas !== true || format === 'csv') return args.escapeFormulas === true;
  throw new UsageError(`--escape-formulas applies to -f csv, not ${usedWith(format)}`);
}

/** A format as the user chose it: `-f json-lines`, or the option that decided it (`--output`, `--record ocsf`). */
function usedWith(format: string): string {
  return format.startsWith('--') ? format : `-f ${format}`;
}
