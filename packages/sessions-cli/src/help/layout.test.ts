import { describe, expect, it } from 'vitest';
import { synopsisOf, unglueTypeTags } from './layout.js';

describe('unglueTypeTags', () => {
  it('moves a type tag that ran into its description to a line of its own, ending where it ended', () => {
    const glued = '      --max  Never start more requests than this; the API allows about 120[number]';
    const [first, second] = unglueTypeTags(glued).split('\n');
    expect(first).toBe('      --max  Never start more requests than this; the API allows about 120');
    expect(second).toMatch(/^ +\[number\]$/);
    expect(second).toHaveLength(glued.length);
    expect(unglueTypeTags('  --alerts  Only with alerts[boolean] [default: true]').split('\n')[1]).toMatch(
      /^ +\[boolean\] \[default: true\]$/,
    );
  });

  it('leaves lines with a space before the tag and brackets in descriptions alone', () => {
    const text = '  --state  Current state  [array]\n  --output  TCP:[::1]:6514 or host[0] as typed';
    expect(unglueTypeTags(text)).toBe(text);
  });
});

describe('synopsisOf', () => {
  it('names positionals in upper case before [options], a group COMMAND, and keeps a written synopsis', () => {
    expect(synopsisOf({ command: 'show-events <session-id>' })).toBe('SESSION_ID [options]');
    expect(synopsisOf({ command: 'search' })).toBe('[options]');
    expect(synopsisOf({ command: 'checkpoint', subcommands: [] })).toBe('COMMAND');
    expect(synopsisOf({ command: 'completion [shell]', synopsis: '[bash|zsh|fish]' })).toBe('[bash|zsh|fish]');
  });
});
