// Edits one setting of a `.env` file's text in place: the line that holds it changes, nothing else does. Every
// result is checked by reading it back with Node's own parser, the one the SDK reads the file with.
import { parseEnv } from 'node:util';

// `[export ]KEY = value…`, keeping the spacing around `=`.
const ASSIGNMENT = /^(\s*(?:export\s+)?)([^\s=#]+)(\s*=\s*)(.*)$/;

/** `KEY=value` written so that a `.env` reader reads `value` back; undefined when no quoting can carry it. */
export function envLine(key: string, value: string): string | undefined {
  return withValue(`${key}=`, key, value, '', '');
}

/**
 * `text` (a `.env` file) with `key` (any case) set to `newValue` on each line that sets it to `oldValue` (surrounding
 * blanks aside); every other line, comment and line end unchanged. Undefined when no line sets it so, or when the new
 * value cannot be written so that it reads back unchanged.
 */
export function replaceEnvValue(text: string, key: string, oldValue: string, newValue: string): string | undefined {
  const lines = text.split('\n');
  let replaced = 0;
  for (const [index, whole] of lines.entries()) {
    const end = whole.endsWith('\r') ? '\r' : '';
    const line = whole.slice(0, whole.length - end.length);
    const parts = ASSIGNMENT.exec(line);
    const [, lead = '', name = '', equals = '', value = ''] = parts ?? [];
    if (parts === null || name.toLowerCase() !== key.toLowerCase()) continue;
    if (parseEnv(line)[name]?.trim() !== oldValue) continue;
    const quote = /^["'`]/.exec(value)?.[0] ?? '';
    const next = withValue(`${lead}${name}${equals}`, name, newValue, commentAfter(value, quote), quote);
    if (next === undefined) return undefined;
    lines[index] = next + end;
    replaced += 1;
  }
  return replaced === 0 ? undefined : lines.join('\n');
}

// The first of the line's own quoting, bare, single-quoted and double-quoted that reads back as `value`.
function withValue(head: string, key: string, value: string, comment: string, own: string): string | undefined {
  for (const quote of [own, '', "'", '"']) {
    const line = `${head}${quote}${value}${quote}${comment}`;
    if (!/[\r\n]/.test(value) && parseEnv(line)[key] === value) return line;
  }
  return undefined;
}

// A trailing ` # comment` stays with its line; inside quotes a `#` is part of the value.
function commentAfter(value: string, quote: string): string {
  if (quote !== '') {
    const close = value.indexOf(quote, 1);
    return close === -1 ? '' : (/\s*#.*$/.exec(value.slice(close + 1))?.[0] ?? '');
  }
  return /\s*#.*$/.exec(value)?.[0] ?? '';
}
