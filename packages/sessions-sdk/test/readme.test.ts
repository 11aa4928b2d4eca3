// Runs the README examples as users run them: each ```js block of this package's README (and the root README's blocks
// that import @x/sessions-sdk first) is written to a file in a temporary folder where `@x/sessions-sdk` resolves to
// this package, and run with Node against a loopback API server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  codeBlocks,
  exampleFolder,
  expectPaired,
  listAfter,
  type ExampleFolder,
  type ExampleRun as Run,
} from '@x/vitest-config/readme';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIME_FORMS } from '../src/time.js';
import { CLIENT_ID, CLIENT_SECRET, startTestServer, type TestServer } from './helpers/server.js';
import { patient } from '@x/vitest-config/patience';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = '@x/sessions-sdk';

const examples = [
  ...codeBlocks(join(packageDir, 'README.md'), 'js'),
  ...codeBlocks(join(packageDir, '..', '..', 'README.md'), 'js', PACKAGE),
];

/** What each example must print: matched on a distinctive part of its code. */
const expectations: Array<{ match: RegExp; check: (run: Run, server: TestServer) => void }> = [
  {
    // The package README's search: open HIGH/CRITICAL sessions of the last 7 days, with their max severity.
    match: /severities: \['HIGH', 'CRITICAL'\]/,
    check: (run, server) => {
      expect(run.stdout.trimEnd().split('\n')).toEqual([
        's-ann ann@example.com OPEN CRITICAL',
        's-raj raj@example.com OPEN HIGH',
      ]);
      const query = server.requests.find((r) => r.path === '/v1/sessions')?.query ?? '';
      expect(query).toMatch(
        /^on_or_after=\d+&has_alerts=true&state=OPEN&severity=3&severity=4&page_number=0&page_size=50$/,
      );
    },
  },
  {
    // The triage example: one change-state call, one note, then the details.
    match: /CLOSED_TP/,
    check: (run, server) => {
      expect(run.stdout).toBe('s-raj: CLOSED_TP, 1 note(s)\n');
      const posts = server.requests.filter((r) => r.method === 'POST');
      expect(posts.map((r) => `${r.path} ${r.body}`)).toEqual([
        '/v1/sessions/change-state {"ids":["s-raj"],"newState":"CLOSED_TP"}',
        '/v1/sessions/s-raj/add-note {"noteContent":"Confirmed with HR."}',
      ]);
    },
  },
  {
    // The error example prints the server's message of a 404 in one line.
    match: /NotFoundError/,
    check: (run) => {
      expect(run.stdout).toBe('not found (HTTP 404): Session not found: no-such-session\n');
    },
  },
  {
    // The root README's search: every open session with alerts of the last 7 days.
    match: /for await \(const session of/,
    check: (run) => {
      expect(run.stdout.trimEnd().split('\n')).toEqual([
        's-ann ann@example.com OPEN',
        's-raj raj@example.com OPEN',
        's-lee lee@example.com OPEN',
      ]);
    },
  },
  {
    // The model entry's example: enums, a limit and a duration, without a server.
    match: /from '@x\/sessions-sdk\/model'/,
    check: (run, server) => {
      expect(run.stdout).toBe(
        'states: OPEN, IN_PROGRESS, CLOSED, CLOSED_TP, CLOSED_TP_BENIGN, CLOSED_FP, OPEN_NEW_DATA; notes up to 2000; ' +
          '1d12h = 129600000 ms\n',
      );
      expect(server.requests).toEqual([]);
    },
  },
  {
    // The SIEM entry's example: an OCSF Update and a CEF line of one session, without a server.
    match: /from '@x\/sessions-sdk\/siem'/,
    check: (run, server) => {
      const [kinds, finding, cef, ...rest] = run.stdout.trimEnd().split('\n');
      expect(kinds).toBe('raw, enriched, ocsf, ecs, cef');
      expect(finding).toBe(
        'Detection Finding: Update | High | New | https://console.us.code42.com/app/#/alerts/review-alerts/s-raj',
      );
      expect(cef).toMatch(
        /^CEF:0\|Mimecast\|Incydr\|\d+\|incydr-session-OPEN\|Incydr session: Departing employee exfiltration \(OPEN\)\|8\|externalId=s-raj /,
      );
      expect(rest).toEqual([]);
      expect(server.requests).toEqual([]);
    },
  },
];

interface FakeSession {
  sessionId: string;
  actorName: string;
  beginTime: number;
  notes: Array<{ content: string }>;
  scores: Array<{ score: number; severity: number; sourceTimestamp: number }>;
  states: Array<{ sourceTimestamp: number; state: string; stateV2: string; userId: null }>;
}

/** A small stateful API on the test server: search, details, change-state and notes. */
function serveSessions(server: TestServer): void {
  const now = Date.now();
  const make = (id: string, name: string, severity: number, hoursAgo: number): FakeSession => ({
    sessionId: id,
    actorName: name,
    beginTime: now - hoursAgo * 3_600_000,
    notes: [],
    scores: [{ score: 10 * severity, severity, sourceTimestamp: now - hoursAgo * 3_600_000 }],
    states: [{ sourceTimestamp: now - hoursAgo * 3_600_000, state: 'OPEN', stateV2: 'OPEN', userId: null }],
  });
  const sessions = [
    make('s-ann', 'ann@example.com', 4, 2),
    make('s-raj', 'raj@example.com', 3, 5),
    make('s-lee', 'lee@example.com', 1, 9),
  ];
  server.on('GET /v1/sessions', (request) => {
    const query = new URLSearchParams(request.query);
    const severities = query.getAll('severity').map(Number);
    const items = sessions.filter(
      (s) => severities.length === 0 || severities.includes(s.scores.at(-1)?.severity ?? -1),
    );
    return { json: { items, totalCount: items.length } };
  });
  for (const session of sessions) {
    server.on(`GET /v1/sessions/${session.sessionId}`, () => ({ json: session }));
    server.on(`POST /v1/sessions/${session.sessionId}/add-note`, (request) => {
      session.notes.push({ content: (JSON.parse(request.body) as { noteContent: string }).noteContent });
      return { status: 204 };
    });
  }
  server.on('POST /v1/sessions/change-state', (request) => {
    const body = JSON.parse(request.body) as { ids: string[]; newState: string };
    for (const session of sessions.filter((s) => body.ids.includes(s.sessionId))) {
      session.states.push({ sourceTimestamp: Date.now(), state: body.newState, stateV2: body.newState, userId: null });
    }
    return { status: 204 };
  });
  server.on('GET /v1/sessions/no-such-session', () => ({
    status: 404,
    json: { status: 404, error: 'Not Found', message: 'Session not found: no-such-session' },
  }));
}

describe('README examples', () => {
  let folder: ExampleFolder;

  beforeAll(() => {
    folder = exampleFolder('sdk-readme-', { [PACKAGE]: packageDir });
  });

  afterAll(() => {
    folder.remove();
  });

  it('has an expectation for every example, an example for every expectation, and no untested shell block', () => {
    expect(readFileSync(join(packageDir, 'README.md'), 'utf8')).not.toMatch(/^```sh$/m);
    expectPaired(examples, expectations);
  });

  it.each(examples.map((example, index) => [`${example.source} #${index + 1}`, example] as const))(
    'runs %s and prints what it says',
    async (_name, example) => {
      const expectation = expectations.find((e) => e.match.test(example.code));
      expect(expectation).toBeDefined();
      const server = await startTestServer();
      try {
        serveSessions(server);
        const run = await folder.run(examples.indexOf(example) + 1, example.code, {
          INCYDR_URL: server.url,
          INCYDR_API_CLIENT_ID: CLIENT_ID,
          INCYDR_API_CLIENT_SECRET: CLIENT_SECRET,
          SESSION_ID: 's-raj',
        });
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expectation?.check(run, server);
      } finally {
        await server.close();
      }
    },
    patient(30_000),
  );
});

describe('README times', () => {
  it('lists the time strings exactly as TIME_FORMS does', () => {
    expect(listAfter(join(packageDir, 'README.md'), '`TIME_FORMS`')).toEqual([...TIME_FORMS]);
  });
});
