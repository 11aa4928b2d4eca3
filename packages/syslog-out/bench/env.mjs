// Settings of a benchmark, read from the environment (a package-local module: the package needs nothing outside it).

/** The positive integer in environment variable `name`, or `fallback` when unset; exits 2 naming it when malformed. */
export function positiveInt(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a positive integer, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}
