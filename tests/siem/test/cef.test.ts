// The CEF record against a real implementation of CEF's escaping: syslog-ng's `format-cef-extension` (Debian's
// syslog-ng-core, unpacked into a cache folder by ../cef/syslog-ng.mjs) formats the same key/value pairs our code
// formats. syslog-ng writes the pairs sorted by key (byte order), our record in its documented order: the pairs of our
// extension are compared in syslog-ng's order. The header has no syslog-ng function: hand-made cases per the spec.
import { Client, type Session } from '@x/sessions-sdk';
import { formatCefExtension, toCef, toCefFields, type CefPair } from '@x/sessions-sdk/siem';
import { startEmulator, type Emulator } from '@x/sessions-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCefFormatter, type CefFormatter } from '../cef/harness.js';
import { cachedSyslogNg, FETCH_COMMAND } from '../cef/syslog-ng.mjs';

/** Whether a missing syslog-ng fails instead of skipping (.ci/run sets it after fetching syslog-ng). */
const required = process.env.INCYDR_REQUIRE_SYSLOG_NG === '1';
const found = await cachedSyslogNg();
const missing =
  'missing' in found ? `${found.missing} (fetch it with \`${FETCH_COMMAND}\`, as .ci/run does)` : undefined;
if (missing !== undefined && !required) console.warn(`CEF tests against syslog-ng skipped: ${missing}`);

/** Hand-made sessions every record must survive (the brief's edge cases), with CEF's special characters in values. */
const edgeCases: Session[] = [
  {},
  { sessionId: 'no-alerts', triggeredAlerts: [], states: [{ stateV2: 'OPEN', sourceTimestamp: 1 }] },
  { sessionId: 'no-scores', scores: [] },
  { sessionId: 'no-states', states: [] },
  { sessionId: 'unknown-state', states: [{ stateV2: 'WHATEVER', sourceTimestamp: 1 }] },
  { sessionId: 'unknown-fields', vendorField: { nested: ['x=y'] } } as Session,
  {
    sessionId: 'older-content-inspection',
    contentInspectionResults: { status: 'PII_FOUND', eventResults: [{ eventId: 'e1' }] },
  },
  Object.fromEntries(
    [
      'sessionId',
      'actorId',
      'actorName',
      'type',
      'beginTime',
      'contextSummary',
      'criticalEvents',
      'endTime',
      'scores',
      'states',
      'triggeredAlerts',
    ].map((key) => [key, null]),
  ) as Session,
  { sessionId: '', actorName: '', contextSummary: '', states: [{ stateV2: '' }], triggeredAlerts: [{ ruleName: '' }] },
  {
    sessionId: 'a=b\\c',
    actorName: 'Zoë 山田',
    tenantId: 'ten|ant',
    contextSummary: 'line one\nline two\r\nline three = x \\ y | z\ttab',
    exfiltrationSummary: 'ends with a backslash \\',
    states: [{ stateV2: 'X|Y\\Z', sourceTimestamp: 1 }],
    scores: [{ score: 88, severity: 4, sourceTimestamp: 1 }],
    triggeredAlerts: [{ ruleName: 'Rule = "one"\n' }, { ruleName: 'Zoë 山田 | \\' }],
    riskIndicators: [{ name: 'key=value' }],
  },
];

/** The extension of a CEF line: what follows the seventh unescaped `|`. */
function extensionOf(line: string): string {
  const header = /^CEF:0(?:\|(?:[^\\|]|\\.)*){6}\|/.exec(line);
  if (header === null) throw new Error(`not a CEF:0 line with seven header fields: ${line}`);
  return line.slice(header[0].length);
}

/** The `key=value` items of an extension in syslog-ng's order: by key, in byte order. */
function inKeyOrder(extension: string): string {
  // A value's `=` is always escaped, so each unescaped `key=` after a space starts an item.
  const items = extension === '' ? [] : extension.split(/ (?=[A-Za-z0-9]+=)/);
  const keyOf = (item: string): string => item.slice(0, item.indexOf('='));
  return items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0)).join(' ');
}

describe('the CEF header', () => {
  it('escapes `|` and `\\` in the signature and name, and puts a space for a line break', () => {
    const line = toCef({
      states: [{ stateV2: 'A|B\\C' }],
      triggeredAlerts: [{ ruleName: 'R|1\\2\r\nnext' }, { ruleName: 'other' }],
      scores: [{ severity: 3, score: 70 }],
    });
    expect(line.startsWith('CEF:0|Mimecast|Incydr|1|incydr-session-A\\|B\\\\C|')).toBe(true);
    expect(line).toContain('|Incydr session: R\\|1\\\\2 next and 1 more (A\\|B\\\\C)|8|');
    expect(extensionOf(line).startsWith('cs1=A|B\\\\C cs1Label=state cs2=')).toBe(true);
  });

  it('stays on one line and has the seven fields for every hand-made case', () => {
    for (const session of edgeCases) {
      const line = toCef(session);
      expect(line).not.toMatch(/[\r\n]/);
      expect(line).toMatch(/^CEF:0\|Mimecast\|Incydr\|1\|incydr-session(?:-(?:[^\\|]|\\.)+)?\|(?:[^\\|]|\\.)+\|\d+\|/);
    }
  });
});

if (missing !== undefined && required) {
  it('finds syslog-ng in its cache', () => {
    throw new Error(`${missing}; INCYDR_REQUIRE_SYSLOG_NG=1 fails instead of skipping`);
  });
}

const skipped = missing !== undefined && !required ? ` (skipped: ${missing})` : '';
describe.skipIf(missing !== undefined)(`the CEF extension against syslog-ng's format-cef-extension${skipped}`, () => {
  let formatter: CefFormatter;
  let emulator: Emulator;
  let client: Client;

  beforeAll(async () => {
    if ('missing' in found) return;
    [formatter, emulator] = await Promise.all([startCefFormatter(found), startEmulator({ sessions: 300, seed: 18 })]);
    client = new Client({
      url: emulator.url,
      apiClientId: emulator.clientId,
      apiClientSecret: emulator.clientSecret,
    });
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all([formatter?.close(), emulator?.close()]);
  });

  it('escapes each value as syslog-ng does: `=`, `\\`, line breaks, `|`, non-ASCII, controls, empty', async () => {
    const values = [
      'a=b',
      '==',
      'back\\slash',
      'ends with \\',
      '\\=',
      'one\ntwo',
      'one\r\ntwo',
      'cr\ronly',
      'pipe|here',
      'Zoë 山田',
      '😀 emoji',
      '',
      ' spaces around ',
      'tab\tand escape \x1b[31m',
      'key=value other=thing',
    ];
    const lines = await formatter.formatExtensions(values.map((value) => ({ v: value })));
    expect(lines).toEqual(values.map((value) => formatCefExtension([['v', value]])));
  });

  it('writes the same extension as syslog-ng for many pairs at once, in key order', async () => {
    const pairs: CefPair[] = [
      ['msg', 'x=y\\z\n'],
      ['cs1', 'A|B'],
      ['cs1Label', 'state'],
      ['cn1', '42'],
      ['suser', 'Zoë 山田'],
      ['empty', ''],
    ];
    const [line] = await formatter.formatExtensions([Object.fromEntries(pairs)]);
    expect(line).toBe(inKeyOrder(formatCefExtension(pairs)));
  });

  it('writes the extension of every emulator session and hand-made case as syslog-ng does', async () => {
    const sessions: Session[] = [];
    for await (const session of client.sessions.v1.iterAll({ startTime: '60d' })) sessions.push(session);
    expect(sessions.length).toBeGreaterThan(200);
    const all = [...sessions, ...edgeCases];
    const context = { apiUrl: emulator.url, consoleUrl: 'https://console.example/', change: 'new' } as const;
    const lines = await formatter.formatExtensions(
      all.map((session) => Object.fromEntries(toCefFields(session, context).extension)),
    );
    const ours = all.map((session) => inKeyOrder(extensionOf(toCef(session, context))));
    expect(ours).toEqual(lines);
    expect(lines.every((line) => line.includes('cn3Label=noteCount'))).toBe(true);
  });
});
