import { UsageError } from '../failures.js';

/** Check a case-insensitive choice and return its canonical spelling; a usage error lists the choices. */
export function choice<T extends string>(option: string, value: string, choices: readonly T[]): T {
  const found = choices.find((c) => c.toLowerCase() === value.trim().toLowerCase());
  if (found === undefined) {
    throw new UsageError(`invalid value "${value}" for --${option}: choose from ${choices.join(', ')}`);
  }
  return found;
}

/** The values of a repeatable option as an array (yargs gives a scalar for one occurrence). */
export function many(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
