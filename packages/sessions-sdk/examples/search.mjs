// List the open sessions with alerts of the last 7 days, most recent first.
// Settings come from INCYDR_URL, INCYDR_API_CLIENT_ID and INCYDR_API_CLIENT_SECRET (environment or a .env file):
//   INCYDR_URL=https://api.us.code42.com INCYDR_API_CLIENT_ID=key-… INCYDR_API_CLIENT_SECRET=… node search.mjs
import { Client, currentState, maxSeverity, severityLabel } from '@x/sessions-sdk';

let client;
try {
  client = new Client();
  let count = 0;
  for await (const session of client.sessions.v1.iterAll({ startTime: '7d', states: ['OPEN'] })) {
    count += 1;
    const severity = severityLabel(maxSeverity(session) ?? 0) ?? 'UNKNOWN';
    console.log(`${session.sessionId}  ${session.actorName ?? '-'}  ${currentState(session) ?? '-'}  ${severity}`);
  }
  console.log(`${count} open session(s)`);
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await client?.close();
}
