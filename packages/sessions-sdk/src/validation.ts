import * as v from 'valibot';

const MAX_SHOWN_CHARS = 40;

/**
 * One short line per valibot issue, starting with the field's dot path (`items.3.beginTime: expected number,
 * received "abc"`); issues about the value as a whole start with `(root)`.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => `${v.getDotPath(issue) || '(root)'}: ${problem(issue)}`);
}

function problem(issue: v.BaseIssue<unknown>): string {
  const last = issue.path?.at(-1);
  if (last?.type === 'object' && last.origin === 'key') return 'required but missing';
  const received = `received ${shortValue(issue.input)}`;
  // A custom schema "expects" `unknown`, so its message says more than its expected value.
  if (issue.kind === 'schema' && issue.type !== 'custom' && issue.expected !== null) {
    return `expected ${issue.expected}, ${received}`;
  }
  const message = issue.message.replace(/\s+/g, ' ').trim();
  return /received/i.test(message) ? message : `${message}, ${received}`;
}

/** A value in a few characters: strings quoted and cut at 40 characters, arrays and objects by kind. */
function shortValue(value: unknown): string {
  if (typeof value === 'string') {
    const chars = [...value];
    if (chars.length <= MAX_SHOWN_CHARS) return JSON.stringify(value);
    return `${JSON.stringify(chars.slice(0, MAX_SHOWN_CHARS).join('')).slice(0, -1)}…"`;
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return 'Object';
  if (typeof value === 'function' || typeof value === 'symbol') return typeof value;
  return String(value);
}
