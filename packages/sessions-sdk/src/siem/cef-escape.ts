// CEF's escaping ("Implementing ArcSight Common Event Format"): a header field escapes `\` and `|` and may not span
// lines; an extension value escapes `\` and `=`, and writes CR and LF as `\r` and `\n`. CEF says nothing of other
// control characters: they are written as `\uXXXX`, as syslog-ng's `format-cef-extension` writes them.

/** One extension pair: a CEF key (ASCII letters and digits) and its value, unescaped. */
export type CefPair = readonly [key: string, value: string];

const CEF_KEY = /^[A-Za-z0-9]+$/;

/** A header field with CEF's escaping: `\` → `\\`, `|` → `\|`; each line break or other control character → a space. */
export function escapeCefHeader(value: string): string {
  return value.replace(/\r\n|[\x00-\x1f]/g, ' ').replace(/[\\|]/g, (char) => `\\${char}`);
}

/** An extension value with CEF's escaping: `\` → `\\`, `=` → `\=`, CR → `\r`, LF → `\n`, other controls `\uXXXX`. */
export function escapeCefExtensionValue(value: string): string {
  return value.replace(/[\\=\x00-\x1f]/g, (char) => {
    switch (char) {
      case '\\':
      case '=':
        return `\\${char}`;
      case '\r':
        return '\\r';
      case '\n':
        return '\\n';
      default:
        return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}

/** The extension of a CEF line: `key=value` pairs joined by a space, in the order given; throws on an invalid key. */
export function formatCefExtension(pairs: readonly CefPair[]): string {
  return pairs
    .map(([key, value]) => {
      if (!CEF_KEY.test(key)) throw new TypeError(`a CEF extension key is ASCII letters and digits, not ${key}`);
      return `${key}=${escapeCefExtensionValue(value)}`;
    })
    .join(' ');
}
