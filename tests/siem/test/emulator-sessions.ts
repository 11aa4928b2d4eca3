import { startEmulator } from '@x/sessions-emulator';
import { Client, type Session } from '@x/sessions-sdk';

/** Every session of a fresh emulator data set, read through the SDK as a user would; both are closed after. */
export async function emulatorSessions(count: number, seed: number): Promise<Session[]> {
  const emu = await startEmulator({ host: '127.0.0.1', port: 0, sessions: count, seed });
  const client = new Client({
    url: emu.url,
    apiClientId: emu.clientId,
    apiClientSecret: emu.clientSecret,
    env: {},
    envFile: null,
    logStderr: false,
  });
  try {
    const sessions: Session[] = [];
    for await (const session of client.sessions.v1.iterAll({ hasAlerts: null, pageSize: 1000 })) sessions.push(session);
    return sessions;
  } finally {
    await client.close();
    await emu.close();
  }
}
