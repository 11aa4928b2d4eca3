// `incydr forward --config FILE` (issue #19, first increment): a broken file is refused with each problem at its line
// and key before any request; --check shows the pipelines and no secret; --once runs two pipelines against two
// emulators (two API clients) and two receivers on loopback over several simulated intervals, each delivering exactly
// its new and changed sessions, and a pipeline whose receiver is down fails alone and catches up once it is back.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '@x/sessions-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, errorLines, lines, waitFor, type Fixture, type RunResult } from './helpers/run.js';
import {
  changedSince,
  idsOf,
  receiver,
  snapshot,
  sorted,
  startTenants,
  type Closers,
  type Tenants,
} from './helpers/forward.js';
import type { Criteria } from './helpers/sessions.js';

let fx: Fixture;
/** The second tenant: its own emulator, API client and secret. */
let tenantB: Emulator;
let tenants: Tenants | undefined;
const closers: Closers = [];

const SECRET_A = 'alpha-secret-7f3a9c';
const SECRET_B = 'beta-secret-51d0e2';
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  tenants = await startTenants(
    { sessions: 160, seed: 11, clientId: 'alpha-client', clientSecret: SECRET_A },
    { sessions: 120, seed: 23, clientSecret: SECRET_B },
  );
  ({ fx, tenantB } = tenants);
  await writeFile(join(fx.home, '.config', 'incydr', 'profiles', 'half.env'), 'INCYDR_API_CLIENT_ID=half-client\n');
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await tenants?.close();
});

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The environment of a run: the fixture's, with alpha's URL and client id where the config says to read them. */
function env(): Record<string, string | undefined> {
  return { ALPHA_URL: fx.emu.url, ALPHA_ID: fx.emu.clientId };
}

/** Two pipelines: alpha (connection from the environment and a file; every session), beta (a profile; alerts only). */
function twoPipelines(ports: { alpha: number; beta: number }, prefix: string): string {
  return `# Two tenants, one pipeline each.
version: 1
pipelines:
  - name: ${prefix}-alpha
    connection:
      url: {env: ALPHA_URL}
      client-id: {env: ALPHA_ID}
      client-secret: {file: alpha-secret.txt}
    search:
      any-alerts: true
    checkpoint:
      lookback: 60d
    output:
      target: TCP:127.0.0.1:${ports.alpha}
      framing: lf
    interval: 2m
  - name: ${prefix}-beta
    profile: beta
    checkpoint: {name: ${prefix}-beta-cp, lookback: 60d}
    output: {target: 'TCP:127.0.0.1:${ports.beta}'}
`;
}

async function writeConfig(name: string, text: string): Promise<string> {
  const file = join(fx.home, name);
  await writeFile(file, text);
  return file;
}

function forward(args: readonly string[]): Promise<RunResult> {
  return fx.runBinary(['forward', ...args], { extraEnv: env(), timeoutMs: 60_000 });
}

function apiRequests(): number {
  return fx.emu.requests().length + tenantB.requests().length;
}

describe('a broken config', () => {
  const GOOD = `version: 1
pipelines:
  - name: alpha
    connection:
      url: {env: ALPHA_URL}
      client-id: {env: ALPHA_ID}
      client-secret: {file: alpha-secret.txt}
    search:
      state: [OPEN]
      start: 20d
    checkpoint:
      name: alpha-cp
      lookback: 30d
    output:
      target: TLS-TCP:127.0.0.1:6514
      framing: lf
      syslog-header: rfc5424
    record: ocsf
    interval: 5m
`;

  /**
   * One broken file: `replace` turns GOOD into it; the problem is reported at `path`, at the place marked by `|` in
   * `at` (the first occurrence of `at` without the mark, in the broken text), with a message matching `message`.
   */
  interface Case {
    what: string;
    replace: [string | RegExp, string];
    path: string;
    at: string;
    message: RegExp;
  }

  const cases: Case[] = [
    // The file itself.
    {
      what: 'version 2',
      replace: ['version: 1', 'version: 2'],
      path: 'version',
      at: 'version: |2',
      message: /expected version 1, not 2/,
    },
    {
      what: 'no version',
      replace: ['version: 1\n', ''],
      path: '',
      at: '|pipelines:',
      message: /missing key "version"/,
    },
    {
      what: 'version as text',
      replace: ['version: 1', 'version: one'],
      path: 'version',
      at: 'version: |one',
      message: /expected version 1/,
    },
    {
      what: 'an unknown top-level key',
      replace: ['version: 1', 'version: 1\ndefaults: {}'],
      path: 'defaults',
      at: '|defaults',
      message: /unknown key "defaults"/,
    },
    {
      what: 'a misspelt pipelines',
      replace: ['pipelines:', 'pipeline:'],
      path: 'pipeline',
      at: '|pipeline:',
      message: /did you mean "pipelines"\?/,
    },
    {
      what: 'no pipeline',
      replace: [/pipelines:[\s\S]*$/, 'pipelines: []\n'],
      path: 'pipelines',
      at: 'pipelines: |[]',
      message: /list at least one pipeline/,
    },
    {
      what: 'pipelines as a mapping',
      replace: [/pipelines:[\s\S]*$/, 'pipelines: {a: 1}\n'],
      path: 'pipelines',
      at: 'pipelines: |{',
      message: /expected a list/,
    },
    {
      what: 'a pipeline that is text',
      replace: [/pipelines:[\s\S]*$/, 'pipelines:\n  - alpha\n'],
      path: 'pipelines[0]',
      at: '- |alpha',
      message: /expected a mapping/,
    },
    // YAML itself.
    {
      what: 'an unclosed flow list',
      replace: ['state: [OPEN]', 'state: [OPEN'],
      path: '',
      at: 'OPEN\n      |start',
      message: /must be sufficiently indented and end with a ]/,
    },
    {
      what: 'a tab as indentation',
      replace: ['    record: ocsf', '\trecord: ocsf'],
      path: '',
      at: '|\trecord',
      message: /[Tt]ab/,
    },
    {
      what: 'a duplicate key',
      replace: ['      framing: lf', '      framing: lf\n      framing: octet-counting'],
      path: 'pipelines[0].output.framing',
      at: 'lf\n      |framing',
      message: /unique/,
    },
    {
      what: 'a duplicate pipeline key',
      replace: ['    interval: 5m', '    interval: 5m\n    interval: 1m'],
      path: 'pipelines[0].interval',
      at: '5m\n    |interval',
      message: /unique/,
    },
    // The pipeline.
    {
      what: 'no name',
      replace: ['  - name: alpha\n    connection:', '  - connection:'],
      path: 'pipelines[0]',
      at: '- |connection',
      message: /missing key "name"/,
    },
    {
      what: 'a name with a space',
      replace: ['name: alpha', 'name: my alpha'],
      path: 'pipelines[0].name',
      at: 'name: |my alpha',
      message: /letters, digits/,
    },
    {
      what: 'a name that is a number',
      replace: ['name: alpha', 'name: 42'],
      path: 'pipelines[0].name',
      at: 'name: |42',
      message: /expected text, not 42/,
    },
    {
      what: 'a name too long',
      replace: ['name: alpha', `name: ${'a'.repeat(65)}`],
      path: 'pipelines[0].name',
      at: 'name: |aaa',
      message: /1 to 64/,
    },
    {
      what: 'an unknown pipeline key',
      replace: ['    interval: 5m', '    frequency: 5m'],
      path: 'pipelines[0].frequency',
      at: '|frequency',
      message: /unknown key "frequency"; known keys: name, profile/,
    },
    {
      what: 'a misspelt interval',
      replace: ['    interval: 5m', '    intervall: 5m'],
      path: 'pipelines[0].intervall',
      at: '|intervall',
      message: /did you mean "interval"\?/,
    },
    {
      what: 'profile and connection',
      replace: ['    record: ocsf', '    record: ocsf\n    profile: beta'],
      path: 'pipelines[0]',
      at: '- |name',
      message: /either "profile" or "connection"/,
    },
    {
      what: 'neither profile nor connection',
      replace: [/ {4}connection:\n(.*\n){3}/, ''],
      path: 'pipelines[0]',
      at: '- |name',
      message: /either "profile" or "connection"/,
    },
    {
      what: 'a profile without a file',
      replace: [/ {4}connection:\n(.*\n){3}/, '    profile: nowhere\n'],
      path: 'pipelines[0].profile',
      at: 'profile: |nowhere',
      message: /no profile file .*nowhere\.env/,
    },
    {
      what: 'a profile without a URL or secret',
      replace: [/ {4}connection:\n(.*\n){3}/, '    profile: half\n'],
      path: 'pipelines[0].profile',
      at: 'profile: |half',
      message: /profile file .*half\.env lacks settings: it needs INCYDR_URL with INCYDR_API_CLIENT_ID/,
    },
    {
      what: 'no output',
      replace: [/ {4}output:\n(.*\n){3}/, ''],
      path: 'pipelines[0]',
      at: '- |name',
      message: /missing key "output"/,
    },
    {
      what: 'an unknown record',
      replace: ['record: ocsf', 'record: leef'],
      path: 'pipelines[0].record',
      at: 'record: |leef',
      message: /invalid value "leef" for record: choose from raw, enriched, ocsf, ecs, cef/,
    },
    {
      what: 'a record that is a list',
      replace: ['record: ocsf', 'record: [ocsf]'],
      path: 'pipelines[0].record',
      at: 'record: |[',
      message: /expected text/,
    },
    {
      what: 'a console URL with raw records',
      replace: ['record: ocsf', 'record: raw\n    console-url: https://console.example.com'],
      path: 'pipelines[0].console-url',
      at: 'console-url: |https',
      message: /console-url needs record/,
    },
    {
      what: 'a console URL with a query',
      replace: ['record: ocsf', 'record: ocsf\n    console-url: https://console.example.com/?a=1'],
      path: 'pipelines[0].console-url',
      at: 'console-url: |https',
      message: /invalid console-url/,
    },
    {
      what: 'an interval that is no duration',
      replace: ['interval: 5m', 'interval: soon'],
      path: 'pipelines[0].interval',
      at: 'interval: |soon',
      message: /expected a duration from 1s to 1d/,
    },
    {
      what: 'an interval of two days',
      replace: ['interval: 5m', 'interval: 2d'],
      path: 'pipelines[0].interval',
      at: 'interval: |2d',
      message: /from 1s to 1d/,
    },
    // The connection.
    {
      what: 'no url',
      replace: ['      url: {env: ALPHA_URL}\n', ''],
      path: 'pipelines[0].connection',
      at: 'connection:\n      |client-id',
      message: /missing key "url"/,
    },
    {
      what: 'no client secret',
      replace: ['      client-secret: {file: alpha-secret.txt}\n', ''],
      path: 'pipelines[0].connection',
      at: 'connection:\n      |url',
      message: /missing key "client-secret"/,
    },
    {
      what: 'a secret from an unset variable',
      replace: ['{file: alpha-secret.txt}', '{env: ALPHA_SECRET_UNSET}'],
      path: 'pipelines[0].connection.client-secret.env',
      at: '{env: |ALPHA_SECRET_UNSET',
      message: /environment variable ALPHA_SECRET_UNSET is not set/,
    },
    {
      what: 'a secret from a missing file',
      replace: ['alpha-secret.txt', 'missing-secret.txt'],
      path: 'pipelines[0].connection.client-secret.file',
      at: '{file: |missing',
      message: /cannot read .*missing-secret\.txt: no such file/,
    },
    {
      what: 'a secret from a vault',
      replace: ['{file: alpha-secret.txt}', '{vault: kv/alpha}'],
      path: 'pipelines[0].connection.client-secret',
      at: 'client-secret: |{vault',
      message: /expected a string, \{env: VARIABLE\} or \{file: PATH\}/,
    },
    {
      what: 'a secret from both',
      replace: ['{file: alpha-secret.txt}', '{file: alpha-secret.txt, env: X}'],
      path: 'pipelines[0].connection.client-secret',
      at: 'client-secret: |{file',
      message: /expected a string, \{env/,
    },
    {
      what: 'a client id that is a list',
      replace: ['client-id: {env: ALPHA_ID}', 'client-id: [a, b]'],
      path: 'pipelines[0].connection.client-id',
      at: 'client-id: |[',
      message: /expected a string, \{env/,
    },
    {
      what: 'an unknown connection key',
      replace: ['      url: {env: ALPHA_URL}', '      url: {env: ALPHA_URL}\n      tenant: acme'],
      path: 'pipelines[0].connection.tenant',
      at: '|tenant',
      message: /unknown key "tenant"/,
    },
    {
      what: 'a misspelt client-id',
      replace: ['client-id:', 'clientid:'],
      path: 'pipelines[0].connection.clientid',
      at: '|clientid',
      message: /did you mean "client-id"\?/,
    },
    // The search filters, checked as the command line checks them.
    {
      what: 'an unknown state',
      replace: ['state: [OPEN]', 'state: [OPEN, SHUT]'],
      path: 'pipelines[0].search.state',
      at: 'state: |[OPEN, SHUT]',
      message: /invalid value "SHUT" for state: choose from OPEN/,
    },
    {
      what: 'an unknown severity',
      replace: ['state: [OPEN]', 'severity: EXTREME'],
      path: 'pipelines[0].search.severity',
      at: 'severity: |EXTREME',
      message: /invalid value "EXTREME" for severity/,
    },
    {
      what: 'a bad start',
      replace: ['start: 20d', 'start: last tuesday'],
      path: 'pipelines[0].search.start',
      at: 'start: |last',
      message: /^invalid time "last tuesday"/,
    },
    {
      what: 'a bad end',
      replace: ['start: 20d', 'end: 2024-13-45'],
      path: 'pipelines[0].search.end',
      at: 'end: |2024',
      message: /invalid time "2024-13-45"/,
    },
    {
      what: 'alerts as text',
      replace: ['state: [OPEN]', 'alerts: "no"'],
      path: 'pipelines[0].search.alerts',
      at: 'alerts: |"no"',
      message: /expected true or false, not "no"/,
    },
    {
      what: 'any-alerts with alerts: false',
      replace: ['state: [OPEN]', 'alerts: false\n      any-alerts: true'],
      path: 'pipelines[0].search.any-alerts',
      at: 'any-alerts: |true',
      message: /any-alerts and alerts: false cannot be used together/,
    },
    {
      what: 'an unknown inspection status',
      replace: ['state: [OPEN]', 'content-inspection-status: MAYBE'],
      path: 'pipelines[0].search.content-inspection-status',
      at: 'status: |MAYBE',
      message: /choose from PENDING, FOUND, NOT_FOUND/,
    },
    {
      what: 'a state that is a mapping',
      replace: ['state: [OPEN]', 'state: {OPEN: true}'],
      path: 'pipelines[0].search.state',
      at: 'state: |{',
      message: /expected a string or a list of strings/,
    },
    {
      what: 'a misspelt severity',
      replace: ['state: [OPEN]', 'sevrity: HIGH'],
      path: 'pipelines[0].search.sevrity',
      at: '|sevrity',
      message: /did you mean "severity"\?/,
    },
    {
      what: 'a sort key among the filters',
      replace: ['state: [OPEN]', 'sort-key: score'],
      path: 'pipelines[0].search.sort-key',
      at: '|sort-key',
      message: /unknown key "sort-key"/,
    },
    // The checkpoint.
    {
      what: 'a checkpoint name with a slash',
      replace: ['name: alpha-cp', 'name: ../alpha'],
      path: 'pipelines[0].checkpoint.name',
      at: 'name: |../alpha',
      message: /letters, digits/,
    },
    {
      what: 'a lookback that is no duration',
      replace: ['lookback: 30d', 'lookback: forever'],
      path: 'pipelines[0].checkpoint.lookback',
      at: 'lookback: |forever',
      message: /invalid duration "forever"/,
    },
    {
      what: 'a lookback of nothing',
      replace: ['lookback: 30d', 'lookback: 0s'],
      path: 'pipelines[0].checkpoint.lookback',
      at: 'lookback: |0s',
      message: /lookback must be longer than 0/,
    },
    {
      what: 'an emit key in the checkpoint',
      replace: ['lookback: 30d', 'lookback: 30d\n      emit: new'],
      path: 'pipelines[0].checkpoint.emit',
      at: '|emit',
      message: /unknown key "emit"/,
    },
    // The output.
    {
      what: 'no target',
      replace: ['      target: TLS-TCP:127.0.0.1:6514\n', ''],
      path: 'pipelines[0].output',
      at: 'output:\n      |framing',
      message: /missing key "target"/,
    },
    {
      what: 'a target with a bad port',
      replace: ['TLS-TCP:127.0.0.1:6514', 'TCP:127.0.0.1:99999'],
      path: 'pipelines[0].output.target',
      at: 'target: |TCP',
      message: /invalid syslog target "TCP:127\.0\.0\.1:99999"/,
    },
    {
      what: 'a target of an unknown protocol',
      replace: ['TLS-TCP:127.0.0.1:6514', 'HTTP:127.0.0.1:80'],
      path: 'pipelines[0].output.target',
      at: 'target: |HTTP',
      message: /unknown protocol "HTTP"/,
    },
    {
      what: 'an unknown framing',
      replace: ['framing: lf', 'framing: crlf'],
      path: 'pipelines[0].output.framing',
      at: 'framing: |crlf',
      message: /invalid value "crlf" for framing: choose from lf, octet-counting/,
    },
    {
      what: 'an unknown header',
      replace: ['syslog-header: rfc5424', 'syslog-header: rfc9999'],
      path: 'pipelines[0].output.syslog-header',
      at: 'syslog-header: |rfc9999',
      message: /choose from none, rfc3164, rfc5424/,
    },
    {
      what: 'an unknown oversize',
      replace: ['framing: lf', 'oversize: truncate'],
      path: 'pipelines[0].output.oversize',
      at: 'oversize: |truncate',
      message: /choose from error, skip/,
    },
    {
      what: 'an unknown delivery',
      replace: ['framing: lf', 'delivery: eventually'],
      path: 'pipelines[0].output.delivery',
      at: 'delivery: |eventually',
      message: /choose from confirmed, written/,
    },
    {
      what: 'a negative message size',
      replace: ['framing: lf', 'max-message-bytes: -5'],
      path: 'pipelines[0].output.max-message-bytes',
      at: 'bytes: |-5',
      message: /must be a positive integer/,
    },
    {
      what: 'a message size as text',
      replace: ['framing: lf', 'max-message-bytes: big'],
      path: 'pipelines[0].output.max-message-bytes',
      at: 'bytes: |big',
      message: /expected a number, not "big"/,
    },
    {
      what: 'an unknown facility',
      replace: ['framing: lf', 'facility: kitchen'],
      path: 'pipelines[0].output.facility',
      at: 'facility: |kitchen',
      message: /invalid facility "kitchen"/,
    },
    {
      what: 'certs over plain TCP',
      replace: ['TLS-TCP:127.0.0.1:6514', 'TCP:127.0.0.1:601\n      certs: ca.pem'],
      path: 'pipelines[0].output.certs',
      at: 'certs: |ca.pem',
      message: /certs applies only to TLS-TCP/,
    },
    {
      what: 'certs and ignore-cert-validation',
      replace: ['framing: lf', 'certs: ca.pem\n      ignore-cert-validation: true'],
      path: 'pipelines[0].output.certs',
      at: 'certs: |ca.pem',
      message: /certs and ignore-cert-validation cannot be used together/,
    },
    {
      what: 'a stall timeout too short',
      replace: ['framing: lf', 'stall-timeout: 100ms'],
      path: 'pipelines[0].output.stall-timeout',
      at: 'stall-timeout: |100ms',
      message: /invalid duration "100ms"/,
    },
    {
      what: 'a format key in the output',
      replace: ['framing: lf', 'format: json-lines'],
      path: 'pipelines[0].output.format',
      at: '|format',
      message: /unknown key "format"/,
    },
    {
      what: 'an output that is text',
      replace: [/ {4}output:\n(.*\n){3}/, '    output: TCP:127.0.0.1:601\n'],
      path: 'pipelines[0].output',
      at: 'output: |TCP',
      message: /expected a mapping/,
    },
    // Two pipelines.
    {
      what: 'a duplicate pipeline name',
      replace: [/$/, '  - {name: alpha, profile: beta, output: {target: TCP:127.0.0.1:601}}\n'],
      path: 'pipelines[1].name',
      at: '- {name: |alpha',
      message: /"alpha" is the name of pipelines\[0\] too/,
    },
    {
      what: 'a shared checkpoint of one client',
      replace: [
        /$/,
        '  - name: other\n    connection: {url: {env: ALPHA_URL}, client-id: {env: ALPHA_ID}, client-secret: {env: ALPHA_ID}}\n    checkpoint: {name: alpha-cp}\n    output: {target: TCP:127.0.0.1:601}\n',
      ],
      path: 'pipelines[1].checkpoint.name',
      at: '{name: |alpha-cp}',
      message: /checkpoint "alpha-cp" of the same API client is used by pipeline "alpha" too/,
    },
  ];

  it('has at least 50 cases, each a different file', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    const texts = cases.map((c) => GOOD.replace(c.replace[0], c.replace[1]));
    expect(new Set(texts).size).toBe(cases.length);
    expect(texts).not.toContain(GOOD);
  });

  it('the good file passes --check, so each case fails for its own change', async () => {
    const file = await writeConfig('good.yml', GOOD);
    const result = await fx.run(['forward', '--config', file, '--check'], { extraEnv: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(lines(result.stdout)).toHaveLength(1);
  });

  it.each(cases)('refuses $what with its line, column and key, before any request', async (c) => {
    const text = GOOD.replace(c.replace[0], c.replace[1]);
    const file = await writeConfig('broken.yml', text);
    const requests = apiRequests();
    const result = await fx.run(['forward', '--config', file, '--once'], { extraEnv: env() });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(apiRequests()).toBe(requests);
    const [summary, ...problems] = errorLines(result.stderr).filter((line) => !line.includes(': warning: '));
    expect(summary).toMatch(new RegExp(`^incydr: ${escape(file)}: \\d+ problems?; nothing was started$`));
    const marked = c.at.replace('|', '');
    const offset = text.indexOf(marked);
    expect(offset, `"${marked}" in the broken file`).toBeGreaterThanOrEqual(0);
    const before = text.slice(0, offset + c.at.indexOf('|'));
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    const where = `${file}:${line}:${col}: ${c.path === '' ? '' : `${c.path}: `}`;
    const problem = problems.find((candidate) => candidate.startsWith(where));
    expect(problem, `a problem at ${where} among\n${problems.join('\n')}`).toBeDefined();
    expect(problem?.slice(where.length)).toMatch(c.message);
    for (const other of problems) expect(other).toMatch(new RegExp(`^${escape(file)}:\\d+:\\d+: `));
  });

  it('the binary lists every problem of a file, sorted by line, and sends nothing', async () => {
    const text = GOOD.replace('framing: lf', 'framing: crlf').replace('state: [OPEN]', 'sevrity: HIGH');
    const file = await writeConfig('two-problems.yml', text.replace('interval: 5m', 'interval: soon'));
    const requests = apiRequests();
    const result = await forward(['--config', file, '--check']);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      `incydr: ${file}: 3 problems; nothing was started`,
      `${file}:9:7: pipelines[0].search.sevrity: unknown key "sevrity"; did you mean "severity"?`,
      `${file}:16:16: pipelines[0].output.framing: invalid value "crlf" for framing: choose from lf, octet-counting`,
      `${file}:19:15: pipelines[0].interval: expected a duration from 1s to 1d, such as 30s, 5m or 1h, not "soon"`,
    ]);
    expect(apiRequests()).toBe(requests);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('forward usage', () => {
  it.each([
    [['--once'], /^incydr: forward needs --config FILE$/],
    [['--config', 'absent.yml', '--once'], /^incydr: cannot read the config absent\.yml: ENOENT/],
    [['--config', 'x.yml', '--check', '--once'], /^incydr: --check and --once cannot be used together$/],
    [['--config', 'x.yml', '--once', '--profile', 'beta'], /^incydr: --profile does not apply to forward/],
  ])('refuses %j (exit 2)', async (args, message) => {
    const result = await fx.run(['forward', ...args], { extraEnv: env() });
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)[0]).toMatch(message);
  });
});

describe('forward --check', () => {
  it('prints each pipeline (API, checkpoint, target, record, interval) and never a secret', async () => {
    const file = await writeConfig('check.yml', twoPipelines({ alpha: 6001, beta: 6002 }, 'check'));
    const requests = apiRequests();
    const result = await forward(['--config', file, '--check']);
    expect(result.code, result.stderr).toBe(0);
    expect(lines(result.stdout)).toEqual([
      `check-alpha: API ${fx.emu.url}, checkpoint check-alpha, target TCP:127.0.0.1:6001, record raw, interval 2m`,
      `check-beta: API ${tenantB.url}, checkpoint check-beta-cp, target TCP:127.0.0.1:6002, record raw, interval 5m`,
    ]);
    expect(result.stderr).toBe('');
    expect(apiRequests()).toBe(requests);
  });

  it('warns about a secret written in the file without showing it', async () => {
    const text = twoPipelines({ alpha: 6001, beta: 6002 }, 'inline').replace(
      'client-secret: {file: alpha-secret.txt}',
      `client-secret: ${SECRET_A}`,
    );
    const file = await writeConfig('inline.yml', text);
    const result = await forward(['--config', file, '--check']);
    expect(result.code, result.stderr).toBe(0);
    expect(lines(result.stderr)).toEqual([
      `incydr: ${file}:8:22: pipelines[0].connection.client-secret: warning: a secret written in the config; prefer {env: VARIABLE} or {file: PATH}`,
    ]);
    for (const output of [result.stdout, result.stderr]) {
      expect(output).not.toContain(SECRET_A);
      expect(output).not.toContain(SECRET_B);
    }
  });
});

describe('forward --once', () => {
  const ALPHA: Criteria = { hasAlerts: null };
  const BETA: Criteria = { hasAlerts: true };

  it('delivers exactly the new and changed sessions of each pipeline, interval after interval', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig('intervals.yml', twoPipelines({ alpha: alpha.port, beta: beta.port }, 'iv'));
    let before = { alpha: new Map<string, string>(), beta: new Map<string, string>() };
    for (const round of [1, 2, 3]) {
      const expected = {
        alpha: changedSince(fx.emu, ALPHA, before.alpha),
        beta: changedSince(tenantB, BETA, before.beta),
      };
      expect(expected.alpha.length, `round ${round}: alpha has something to send`).toBeGreaterThan(0);
      expect(expected.beta.length, `round ${round}: beta has something to send`).toBeGreaterThan(0);
      const seen = { alpha: alpha.records.length, beta: beta.records.length };
      const result = await forward(['--config', file, '--once']);
      expect(result.code, result.stderr).toBe(0);
      expect(sorted(idsOf(alpha.records.slice(seen.alpha))), `round ${round}: alpha`).toEqual(sorted(expected.alpha));
      expect(sorted(idsOf(beta.records.slice(seen.beta))), `round ${round}: beta`).toEqual(sorted(expected.beta));
      const stderr = lines(result.stderr);
      expect(stderr).toHaveLength(2);
      expect(stderr).toContainEqual(
        expect.stringMatching(
          new RegExp(`^iv-alpha: checkpoint "iv-alpha": .*delivered ${expected.alpha.length}; entries`),
        ),
      );
      expect(stderr).toContainEqual(
        expect.stringMatching(
          new RegExp(`^iv-beta: checkpoint "iv-beta-cp": .*delivered ${expected.beta.length}; entries`),
        ),
      );
      before = { alpha: snapshot(fx.emu), beta: snapshot(tenantB) };
      // Time passes differently for the two tenants: sessions grow, escalate, reopen and arrive.
      fx.emu.advance(3 * HOUR_MS);
      tenantB.advance(5 * HOUR_MS);
    }
  });

  it('fails only the pipeline whose receiver is down; once it is back, the next run delivers what it missed', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig('down.yml', twoPipelines({ alpha: alpha.port, beta: beta.port }, 'down'));
    const first = await forward(['--config', file, '--once']);
    expect(first.code, first.stderr).toBe(0);
    const delivered = { alpha: snapshot(fx.emu), beta: snapshot(tenantB) };

    await beta.crash();
    fx.emu.advance(2 * HOUR_MS);
    tenantB.advance(2 * HOUR_MS);
    const expectedAlpha = changedSince(fx.emu, ALPHA, delivered.alpha);
    const seenAlpha = alpha.records.length;
    const seenBeta = beta.records.length;
    const down = await forward(['--config', file, '--once']);
    expect(down.code).toBe(1);
    expect(sorted(idsOf(alpha.records.slice(seenAlpha)))).toEqual(sorted(expectedAlpha));
    expect(beta.records.length).toBe(seenBeta);
    const stderr = lines(down.stderr);
    expect(stderr).toContainEqual(
      expect.stringMatching(/^down-alpha: checkpoint "down-alpha": .*delivered \d+; entries/),
    );
    expect(stderr).toContainEqual(
      expect.stringMatching(
        /^down-beta: syslog output failed: .*is the receiver running and listening on 127\.0\.0\.1:/,
      ),
    );
    expect(stderr.at(-1)).toBe('incydr: 1 of 2 pipelines failed: down-beta');
    for (const line of stderr.slice(0, -1)) expect(line).toMatch(/^down-(alpha|beta): /);

    await beta.restart();
    tenantB.advance(HOUR_MS);
    const expectedBeta = changedSince(tenantB, BETA, delivered.beta);
    const back = await forward(['--config', file, '--once']);
    expect(back.code, back.stderr).toBe(0);
    const caughtUp = idsOf(beta.records.slice(seenBeta));
    // None missed; a duplicate could only come from a batch sent but not confirmed (one batch at most).
    expect(sorted(new Set(caughtUp))).toEqual(sorted(expectedBeta));
    expect(caughtUp.length - new Set(caughtUp).size).toBeLessThanOrEqual(expectedBeta.length);
  });

  it('with --log-format json writes each pipeline line as JSON, its summary with the counts it delivered', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig('json.yml', twoPipelines({ alpha: alpha.port, beta: beta.port }, 'js'));
    await beta.crash();
    const expectedAlpha = changedSince(fx.emu, ALPHA, new Map());
    const result = await forward(['--config', file, '--once', '--log-format', 'json']);
    expect(result.code, result.stderr).toBe(1);
    expect(sorted(idsOf(alpha.records))).toEqual(sorted(expectedAlpha));
    const stderr = lines(result.stderr);
    // As after every command that fails, the last line is text.
    expect(stderr.at(-1)).toBe('incydr: 1 of 2 pipelines failed: js-beta');
    const logged = stderr.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.length).toBeGreaterThan(1);
    for (const line of logged) expect(line).toMatchObject({ time: expect.any(String), msg: expect.any(String) });
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'info',
        pipeline: 'js-alpha',
        checkpoint: 'js-alpha',
        fetched: expect.any(Number),
        new: expectedAlpha.length,
        delivered: expectedAlpha.length,
      }),
    );
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        pipeline: 'js-beta',
        msg: expect.stringMatching(/^syslog output failed: /),
      }),
    );
  });

  it('SIGTERM stops every pipeline after its current record, saves what was delivered and exits 130', async () => {
    const [alpha, beta] = [await receiver(closers), await receiver(closers)];
    const file = await writeConfig('term.yml', twoPipelines({ alpha: alpha.port, beta: beta.port }, 'term'));
    const expected = {
      alpha: changedSince(fx.emu, ALPHA, new Map()),
      beta: changedSince(tenantB, BETA, new Map()),
    };
    // Slow pages keep alpha's run going when the signal comes.
    fx.emu.setFaults({ latencyMs: 100 });
    try {
      const stopped = await fx.runBinary(['forward', '--config', file, '--once'], {
        extraEnv: env(),
        timeoutMs: 60_000,
        onSpawn: (child) => {
          // Without 50 records the run ends on its own, and the exit code below says so.
          void waitFor(() => alpha.records.length >= 50, '50 records at alpha', 30_000).then(
            () => child.kill('SIGTERM'),
            () => undefined,
          );
        },
      });
      expect(stopped.code, stopped.stderr).toBe(130);
      expect(stopped.stderr).toMatch(/incydr: SIGTERM, stopping after the current record\n/);
      expect(lines(stopped.stderr)).toContainEqual(
        expect.stringMatching(/^term-alpha: checkpoint "term-alpha" \(interrupted\)/),
      );
      expect(alpha.records.length).toBeLessThan(expected.alpha.length);
    } finally {
      fx.emu.setFaults({ latencyMs: 0 });
    }
    const rest = await forward(['--config', file, '--once']);
    expect(rest.code, rest.stderr).toBe(0);
    // What the stopped run delivered was saved: each session arrived once over the two runs.
    expect(sorted(idsOf(alpha.records))).toEqual(sorted(expected.alpha));
    expect(sorted(idsOf(beta.records))).toEqual(sorted(expected.beta));
  });
});
