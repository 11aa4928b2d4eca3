// README command 1: a short tour of @x/sessions-sdk against @x/sessions-emulator on 127.0.0.1, no account needed.
// (It grows into the CLI demo once the `incydr` command exists.)
import { Client, currentState, formatIso, maxSeverity, severityLabel } from '@x/sessions-sdk';
import { startEmulator } from '@x/sessions-emulator';

const emu = await startEmulator({ sessions: 500, seed: 42 });
const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (text) => `\x1b[1m${text}\x1b[0m` : (text) => text;
const step = (text) => console.log(`\n${bold(`▸ ${text}`)}`);
const client = new Client({ url: emu.url, apiClientId: emu.clientId, apiClientSecret: emu.clientSecret, env: {}, envFile: null });
try {
  step(`Open high and critical sessions of the last 3 days on ${client.url} (client.sessions.v1.iterAll)`);
  let first;
  for await (const s of client.sessions.v1.iterAll({ startTime: '3d', states: ['OPEN'], severities: ['HIGH', 'CRITICAL'] })) {
    first ??= s.sessionId;
    const label = severityLabel(maxSeverity(s) ?? 0);
    console.log(`  ${formatIso(s.beginTime).slice(0, 16)}  ${label.padEnd(8)} ${s.actorName.padEnd(32)} ${s.exfiltrationSummary}`);
  }
  step(`File events behind ${first} (getSessionEvents)`);
  const events = await client.sessions.v1.getSessionEvents(first);
  for (const e of events.fileEvents.slice(0, 5)) console.log(`  ${e['@timestamp']}  ${e.event?.action}  ${e.file?.name} → ${e.destination?.name}`);
  step('Close it with a note (updateStateById + addNote)');
  await client.sessions.v1.updateStateById([first], 'CLOSED_TP');
  await client.sessions.v1.addNote(first, 'Confirmed with HR: exfiltration before notice period.');
  const after = await client.sessions.v1.getSessionDetails(first);
  console.log(`  state now ${currentState(after)}, latest note: ${JSON.stringify(after.notes.at(-1)?.content)}`);
  step('Errors carry the server message (getSessionDetails of an unknown id)');
  await client.sessions.v1.getSessionDetails('no-such-session').catch((error) => console.log(`  ${error.name}: ${error.message}`));
  console.log('\nDone. Next: npx --yes pnpm@10.34.9 test runs every test.');
} finally {
  await client.close();
  await emu.close();
}
