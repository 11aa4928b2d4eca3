import { describe, expect, it } from 'vitest';
import { UsageError } from '../failures.js';
import { sortDirection } from './sort-dir.js';

describe('sortDirection', () => {
  it('keeps asc, desc, ASC and DESC as typed', () => {
    expect(['asc', 'desc', 'ASC', 'DESC', ' DESC '].map(sortDirection)).toEqual(['asc', 'desc', 'ASC', 'DESC', 'DESC']);
  });

  it('sends another case in lower case', () => {
    expect(['Asc', 'dEsC'].map(sortDirection)).toEqual(['asc', 'desc']);
  });

  it('rejects anything else with the four choices', () => {
    expect(() => sortDirection('up')).toThrow(UsageError);
    expect(() => sortDirection('up')).toThrow('invalid value "up" for --sort-dir: choose from asc, desc, ASC, DESC');
  });
});
