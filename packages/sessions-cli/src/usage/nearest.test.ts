import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from './nearest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swapped neighbours as one edit each', () => {
    expect(editDistance('severity', 'severity')).toBe(0);
    expect(editDistance('sevrity', 'severity')).toBe(1);
    expect(editDistance('stat', 'state')).toBe(1);
    expect(editDistance('stael', 'steal')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('nearest', () => {
  const options = ['--state', '--start', '--severity', '--format', '-f', '--sort-dir', '--sort-key'];

  it('suggests the option a typo most likely meant', () => {
    expect(nearest('--sevrity', options)).toBe('--severity');
    expect(nearest('--stat', options)).toBe('--state');
    expect(nearest('--f', options)).toBe('-f');
    expect(nearest('--fromat', options)).toBe('--format');
  });

  it('suggests the one option a word begins, and nothing for words far from every option', () => {
    expect(nearest('--sev', options)).toBe('--severity');
    expect(nearest('--sort', options)).toBeUndefined();
    expect(nearest('--verbose', options)).toBeUndefined();
    expect(nearest('--x', ['--yes', '--all'])).toBeUndefined();
  });
});
