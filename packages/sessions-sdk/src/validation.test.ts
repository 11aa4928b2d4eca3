import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { describeIssues } from './validation.js';

function describeFailure(schema: v.GenericSchema, input: unknown): string[] {
  const result = v.safeParse(schema, input);
  expect(result.success).toBe(false);
  return result.issues === undefined ? [] : describeIssues(result.issues);
}

const Item = v.looseObject({ beginTime: v.nullish(v.number()), name: v.nullish(v.string()) });
const Page = v.looseObject({ items: v.nullish(v.array(Item)) });

describe('describeIssues', () => {
  it('starts each line with the dot path of the field', () => {
    const items = [{}, {}, {}, { beginTime: 'abc' }];
    expect(describeFailure(Page, { items })).toEqual(['items.3.beginTime: expected number, received "abc"']);
  });

  it('says (root) for an issue with the value as a whole', () => {
    expect(describeFailure(Page, 'oops')).toEqual(['(root): expected Object, received "oops"']);
    expect(describeFailure(Page, undefined)).toEqual(['(root): expected Object, received undefined']);
  });

  it('gives one line per issue, in order', () => {
    const lines = describeFailure(Page, { items: [{ beginTime: true, name: 1 }, 'x'] });
    expect(lines).toEqual([
      'items.0.beginTime: expected number, received true',
      'items.0.name: expected string, received 1',
      'items.1: expected Object, received "x"',
    ]);
  });

  it('shows arrays, objects and null by kind', () => {
    expect(describeFailure(Item, { name: [1, 2] })).toEqual(['name: expected string, received Array']);
    expect(describeFailure(Item, { name: { first: 'a' } })).toEqual(['name: expected string, received Object']);
    expect(describeFailure(v.string(), null)).toEqual(['(root): expected string, received null']);
  });

  it('cuts received strings at 40 characters and keeps them on one line', () => {
    const long = `${'a'.repeat(39)}\n${'z'.repeat(100)}`;
    const [line] = describeFailure(Item, { beginTime: long });
    expect(line).toBe(`beginTime: expected number, received "${'a'.repeat(39)}\\n…"`);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('z');
  });

  it('does not cut a string of exactly 40 characters, nor split a surrogate pair', () => {
    const forty = 'x'.repeat(40);
    expect(describeFailure(Item, { beginTime: forty })).toEqual([`beginTime: expected number, received "${forty}"`]);
    const emoji = '😀'.repeat(41);
    expect(describeFailure(Item, { beginTime: emoji })).toEqual([
      `beginTime: expected number, received "${'😀'.repeat(40)}…"`,
    ]);
  });

  it('reports a missing required key by its path', () => {
    const Token = v.looseObject({ token: v.looseObject({ value: v.string() }) });
    expect(describeFailure(Token, { token: {} })).toEqual(['token.value: required but missing']);
  });

  it('uses the message of a validation, with the received value', () => {
    const NonEmpty = v.object({ id: v.pipe(v.string(), v.nonEmpty('expected a non-empty string')) });
    expect(describeFailure(NonEmpty, { id: '' })).toEqual(['id: expected a non-empty string, received ""']);
  });

  it('does not repeat the received value when the message already has it', () => {
    const Short = v.pipe(v.string(), v.maxLength(2));
    expect(describeFailure(Short, 'abc')).toEqual(['(root): Invalid length: Expected <=2 but received 3']);
  });

  it('uses the message of a custom schema, whose expected value says nothing', () => {
    const Even = v.custom<number>((x) => typeof x === 'number' && x % 2 === 0, 'expected an even number');
    expect(describeFailure(v.object({ n: Even }), { n: 3 })).toEqual(['n: expected an even number, received 3']);
  });

  it('describes union failures by their options', () => {
    const Id = v.object({ id: v.union([v.string(), v.number()]) });
    expect(describeFailure(Id, { id: false })).toEqual(['id: expected (string | number), received false']);
  });

  it('returns nothing for no issues', () => {
    expect(describeIssues([])).toEqual([]);
  });
});
