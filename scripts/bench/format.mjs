// Figures: medians, number formats and the one aligned table the suite prints.

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `1,234.5` with a fixed number of decimals. */
export function fmt(value, digits = 0) {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Megabytes (10^6 bytes) from the KiB that maxRSS reports. */
export function kibToMb(kib) {
  return (kib * 1024) / 1e6;
}

/** `met` or `NOT met`. */
export function verdict(ok) {
  return ok ? 'met' : 'NOT met';
}

/**
 * One row of the table.
 * @param {string} bench @param {string} scenario @param {string} figure @param {string} value
 * @param {{ runs?: string, target?: string }} [extra]
 */
export function row(bench, scenario, figure, value, { runs = '', target = '' } = {}) {
  return { bench, scenario, figure, value, runs, target };
}

const COLUMNS = [
  ['bench', 'benchmark', 'left'],
  ['scenario', 'case', 'left'],
  ['figure', 'figure', 'left'],
  ['value', 'median', 'right'],
  ['runs', 'runs', 'right'],
  ['target', 'target', 'left'],
];

// Figures right-aligned; anything else (a count list, `n/a`, `-`) left-aligned.
const NUMERIC = /^-?[\d.,]+(?:x| k)?$/;

/** The rows as plain text: a header, a rule and one aligned line per row. */
export function renderTable(rows) {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => r[key].length)));
  const line = (cells) =>
    cells
      .map((cell, i) =>
        COLUMNS[i][2] === 'right' && NUMERIC.test(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd();
  const header = line(COLUMNS.map(([, title]) => title));
  return [header, '-'.repeat(header.length), ...rows.map((r) => line(COLUMNS.map(([key]) => r[key])))].join('\n');
}
