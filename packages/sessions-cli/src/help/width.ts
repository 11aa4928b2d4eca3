/** The width `--help` text wraps at: the terminal's, at most 120; 100 off a terminal. */
export function helpWidth(columns: number | undefined = process.stdout.columns): number {
  return Math.min(120, columns || 100);
}

/** The widths whose help texts the build stores (off a terminal, a common terminal, a wide one). */
export const CACHED_WIDTHS = [80, 100, 120] as const;
