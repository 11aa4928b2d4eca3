// README command 1: a short tour of @x/sessions-sdk against a small Incydr-like server on 127.0.0.1.
// (It becomes the emulator + CLI demo once @x/sessions-emulator and the CLI exist.)
import { createServer } from 'node:http';
import { Client, currentState, formatIso, maxSeverity, severityLabel } from '@x/sessions-sdk';

const HOUR = 3_600_000;
const now = Date.now();
const people = [
  ['ann.lee@example.com', 'Ann Lee', 'Cloud storage upload', 4],
  ['raj.patel@example.com', 'Raj Patel', 'Removable media', 3],
  ['mia.chen@example.com', 'Mia Chen', 'Personal email', 2],
  ['tom.berg@example.com', 'Tom Berg', 'Browser upload', 1],
];
const sessions = people.map(([actorId, actorName, indicator, severity], i) => {
  const beginTime = now - (i + 1) * 26 * HOUR;
  return {
    actorId,
    actorName,
    type: 'STANDARD',
    beginTime,
    contextSummary: `${actorName.split(' ')[0]} is a departing employee`,
    endTime: beginTime + 2 * HOUR,
    exfiltrationSummary: `${12 + i * 7} files via ${indicator.toLowerCase()}`,
    notes: [],
    riskIndicators: [{ eventCount: 12 + i * 7, id: `ri-${i}`, name: indicator, weight: 5 - i }],
    scores: [{ score: 40 + severity * 10, severity, sourceTimestamp: beginTime + HOUR }],
    sessionId: `${actorId}_${beginTime}`,
    states: [{ sourceTimestamp: beginTime + HOUR, state: 'OPEN', stateV2: 'OPEN', userId: null }],
    tenantId: 'demo-tenant',
    triggeredAlerts: [{ alertId: `al-${i}`, lessonId: null, ruleId: `rule-${i}`, ruleName: `${indicator} by departing employee` }],
  };
});

const token = 'demo-access-token';
const server = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const url = new URL(req.url ?? '/', 'http://demo');
  const reply = (status, json) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(json === undefined ? '' : JSON.stringify(json));
  };
  if (url.pathname === '/v1/oauth') return reply(200, { token_type: 'bearer', expires_in: 900, access_token: token });
  if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { message: 'unauthorized' });
  const find = (id) => sessions.find((s) => s.sessionId === decodeURIComponent(id));
  let match;
  if (url.pathname === '/v1/sessions') {
    const size = Number(url.searchParams.get('page_size'));
    const page = Number(url.searchParams.get('page_number'));
    return reply(200, { items: sessions.slice(page * size, (page + 1) * size), totalCount: sessions.length });
  }
  if (url.pathname === '/v1/sessions/change-state') {
    const { ids, newState } = JSON.parse(body);
    for (const id of ids) find(id)?.states.push({ sourceTimestamp: Date.now(), state: newState, stateV2: newState, userId: 'demo-analyst' });
    return reply(204);
  }
  if ((match = /^\/v1\/sessions\/([^/]+)\/add-note$/.exec(url.pathname))) {
    find(match[1])?.notes.push({ content: JSON.parse(body).noteContent, id: 'n1', sourceTimestamp: Date.now(), userId: 'demo-analyst' });
    return reply(204);
  }
  if ((match = /^\/v1\/sessions\/([^/]+)\/events$/.exec(url.pathname))) {
    const s = find(match[1]);
    const fileEvents = [{ '@timestamp': new Date(s.beginTime).toISOString(), event: { action: 'file-uploaded' }, file: { name: 'q3-pipeline.xlsx', sizeInBytes: 48213 }, destination: { category: 'Cloud Storage', name: 'Dropbox' } }];
    return reply(200, { queryResult: { fileEvents, totalCount: 1 } });
  }
  if ((match = /^\/v1\/sessions\/([^/]+)$/.exec(url.pathname))) {
    const s = find(match[1]);
    return s ? reply(200, s) : reply(404, { message: 'Session not found' });
  }
  reply(404, { message: 'not found' });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (text) => `\x1b[1m${text}\x1b[0m` : (text) => text;
const step = (text) => console.log(`\n${bold(`▸ ${text}`)}`);
const client = new Client({
  url: `http://127.0.0.1:${port}`,
  apiClientId: 'demo-client',
  apiClientSecret: 'demo-secret',
  env: {},
  envFile: null,
});
try {
  step(`Search sessions with alerts on ${client.url} (client.sessions.v1.iterAll)`);
  for await (const s of client.sessions.v1.iterAll({ startTime: '7d' })) {
    const label = severityLabel(maxSeverity(s) ?? 0);
    console.log(`  ${formatIso(s.beginTime).slice(0, 16)}  ${label.padEnd(8)} ${currentState(s).padEnd(8)} ${s.actorName.padEnd(10)} ${s.exfiltrationSummary}`);
  }
  const first = sessions[0].sessionId;
  step(`File events behind ${first} (getSessionEvents)`);
  const events = await client.sessions.v1.getSessionEvents(first);
  for (const e of events.fileEvents) console.log(`  ${e['@timestamp']}  ${e.event?.action}  ${e.file?.name} → ${e.destination?.name}`);
  step('Close it with a note (updateStateById + addNote)');
  await client.sessions.v1.updateStateById([first], 'CLOSED_TP');
  await client.sessions.v1.addNote(first, 'Confirmed with HR: exfiltration before notice period.');
  const after = await client.sessions.v1.getSessionDetails(first);
  console.log(`  state now ${currentState(after)}, notes: ${after.notes.map((n) => JSON.stringify(n.content)).join(', ')}`);
  step('Errors carry the server message (getSessionDetails of an unknown id)');
  await client.sessions.v1.getSessionDetails('no-such-session').catch((error) => console.log(`  ${error.name}: ${error.message}`));
  console.log('\nDone. Next: npx --yes pnpm@10.34.9 test runs every test.');
} finally {
  await client.close();
  server.close();
}
