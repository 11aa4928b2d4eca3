import { SORT_DIRECTIONS, type SortDirection } from '@x/sessions-sdk/model';
import { choice } from './choices.js';

/**
 * The `sort_direction` to send for a `--sort-dir` value: one of the four spellings exactly as typed (both cases are
 * documented forms), any other case (`Asc`) in lower case; anything else is a usage error listing the choices.
 */
export function sortDirection(value: string): SortDirection {
  const typed = value.trim();
  const exact = SORT_DIRECTIONS.find((direction) => direction === typed);
  return exact ?? choice('sort-dir', value, SORT_DIRECTIONS);
}
