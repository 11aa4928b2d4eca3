import { choice } from './choices.js';

/** `--sort-dir` choices: `asc`/`desc` as the Python CLI sends them, `ASC`/`DESC` as the API description documents them. */
export const SORT_DIRECTIONS = ['asc', 'desc', 'ASC', 'DESC'] as const;

/** A `sort_direction` the CLI sends. */
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

/**
 * The `sort_direction` to send for a `--sort-dir` value: one of the four spellings exactly as typed (both cases are
 * documented forms), any other case (`Asc`) in lower case; anything else is a usage error listing the choices.
 */
export function sortDirection(value: string): SortDirection {
  const typed = value.trim();
  const exact = SORT_DIRECTIONS.find((direction) => direction === typed);
  return exact ?? choice('sort-dir', value, SORT_DIRECTIONS);
}
