import npmStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { commandPaths, renderHelp } from '../help/render.js';
import { displayWidth } from './text.js';

// The bundle gives yargs, cliui and wrap-ansi displayWidth in place of the npm string-width (scripts/bundle.mjs), so
// the help layout must come out the same.
describe('displayWidth, which the bundle gives yargs in place of string-width', () => {
  it('measures every line of the help texts as string-width does', async () => {
    const lines: string[] = [];
    for (const path of commandPaths()) lines.push(...(await renderHelp(path, 100)).split('\n'));
    expect(lines.length).toBeGreaterThan(300);
    for (const line of lines) expect([line, displayWidth(line)]).toEqual([line, npmStringWidth(line)]);
  });

  it('counts wide and joined characters as string-width does', () => {
    const samples = [
      '漢字のテスト',
      '🚀 launch',
      '👩‍💻 dev',
      '🇯🇵 flag',
      'é composed',
      'ｆｕｌｌ',
      'a…b — c',
      '\u001b[1mbold\u001b[22m',
    ];
    for (const text of samples) expect([text, displayWidth(text)]).toEqual([text, npmStringWidth(text)]);
  });
});
