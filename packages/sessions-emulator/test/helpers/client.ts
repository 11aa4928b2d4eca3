import { Client, type ClientOptions } from '@x/sessions-sdk';
import type { Emulator } from '../../src/index.js';

/** An SDK client of `emu` that reads no environment or `.env` file and logs nothing; `extra` overrides. */
export function clientFor(emu: Emulator, extra: ClientOptions = {}): Client {
  return new Client({
    url: emu.url,
    apiClientId: emu.clientId,
    apiClientSecret: emu.clientSecret,
    env: {},
    envFile: null,
    logStderr: false,
    ...extra,
  });
}
