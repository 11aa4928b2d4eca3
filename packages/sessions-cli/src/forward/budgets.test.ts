import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetOf } from './budgets.js';
import { loadForwardConfig } from './config.js';

let home: string;
const savedHome = process.env.HOME;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'incydr-budgets-'));
  process.env.HOME = home;
  await mkdir(join(home, '.config', 'incydr', 'profiles'), { recursive: true });
});

afterAll(async () => {
  process.env.HOME = savedHome;
  await rm(home, { recursive: true, force: true });
});

async function profile(name: string, lines: string[]): Promise<void> {
  await writeFile(join(home, '.config', 'incydr', 'profiles', `${name}.env`), `${lines.join('\n')}\n`);
}

async function config(...profiles: string[]): Promise<string> {
  const file = join(home, 'forward.yml');
  const pipelines = profiles.map(
    (name, index) => `  - {name: p${index}, profile: ${name}, output: {target: 'TCP:127.0.0.1:601'}}\n`,
  );
  await writeFile(file, `version: 1\npipelines:\n${pipelines.join('')}`);
  return file;
}

describe('the request budget of each pipeline', () => {
  it('is one per API client, and the same after a refresh token rotated in its profile file', async () => {
    await profile('rt', ['INCYDR_URL=https://api.example.com', 'INCYDR_REFRESH_TOKEN=first-token']);
    await profile('other', [
      'INCYDR_URL=https://api.example.com',
      'INCYDR_API_CLIENT_ID=other-client',
      'INCYDR_API_CLIENT_SECRET=other-secret',
    ]);
    const file = await config('rt', 'rt', 'other');
    const budget = budgetOf({ maxRequestsPerMinute: 5 });
    const [a, b, c] = loadForwardConfig(file, {}, () => undefined);
    expect(budget(a!)).toBeDefined();
    expect(budget(b!)).toBe(budget(a!));
    expect(budget(c!)).not.toBe(budget(a!));
    // What the CLI does when the API hands out a new refresh token: the file keeps the new one.
    await profile('rt', ['INCYDR_URL=https://api.example.com', 'INCYDR_REFRESH_TOKEN=second-token']);
    const [reloaded] = loadForwardConfig(file, {}, () => undefined);
    expect(budget(reloaded!)).toBe(budget(a!));
  });
});
