// JSON output writes the record object exactly as the SDK parsed it: JSON.stringify keeps insertion order, nulls and
// unknown keys. (JavaScript itself lists integer-like keys such as "42" first; no record field is named like that.)

/** One record as a JSON Lines line: compact JSON and `\n`. */
export function jsonLine(record: unknown): string {
  return `${JSON.stringify(record)}\n`;
}

/** One record as pretty JSON: indented 2 spaces, followed by `\n`. */
export function jsonPretty(record: unknown): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
