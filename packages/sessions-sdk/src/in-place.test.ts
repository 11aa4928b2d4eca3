import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { arrayInPlace, looseObjectInPlace } from './in-place.js';
import { describeIssues } from './validation.js';

const token = v.pipe(v.string(), v.nonEmpty('expected a non-empty string'));
const Item = looseObjectInPlace({ beginTime: v.nullish(v.number()), tags: v.nullish(arrayInPlace(v.string())) });
const Page = looseObjectInPlace({ items: v.nullish(arrayInPlace(Item)), total: v.number(), token: v.nullish(token) });
const CopyingItem = v.looseObject({ beginTime: v.nullish(v.number()), tags: v.nullish(v.array(v.string())) });
const CopyingPage = v.looseObject({
  items: v.nullish(v.array(CopyingItem)),
  total: v.number(),
  token: v.nullish(token),
});

const issuesOf = (schema: v.GenericSchema, input: unknown): string[] => {
  const result = v.safeParse(schema, input);
  return result.success ? [] : describeIssues(result.issues);
};

describe('looseObjectInPlace and arrayInPlace', () => {
  it('give back the very objects and arrays they were given, unknown keys and key order as sent', () => {
    const item = { extra: { deep: [1] }, tags: ['a'], beginTime: 5 };
    const page = { total: 1, items: [item], later: null };
    const output = v.parse(Page, page);
    expect(output).toBe(page);
    expect(output.items?.[0]).toBe(item);
    expect(Object.keys(output)).toEqual(['total', 'items', 'later']);
  });

  it.each([
    ['a wrong leaf deep in an array', { total: 1, items: [{}, { tags: ['a', 2] }] }],
    ['a missing required key', { items: [] }],
    ['a check of a pipe', { total: 1, token: '' }],
    ['several issues at once', { total: 'x', items: [{ beginTime: 'y' }, 'z'] }],
    ['a value that is no object', 'oops'],
    ['an array that is no array', { total: 1, items: {} }],
  ])('report %s exactly as valibot does, naming the field', (_what, input) => {
    const issues = issuesOf(Page, input);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues).toEqual(issuesOf(CopyingPage, input));
  });
});

describe('the datasets reused between checks', () => {
  it('judge each value afresh after a failure: a bad page, then a good one, then a bad one', () => {
    expect(issuesOf(Page, { total: 1, items: [{ tags: ['a', 2] }] })).toEqual([
      'items.0.tags.1: expected string, received 2',
    ]);
    const good = { total: 2, items: [{ tags: ['b'] }, { beginTime: 3 }] };
    expect(v.parse(Page, good)).toBe(good);
    expect(issuesOf(Page, { total: 1, items: [{ beginTime: 'late' }] })).toEqual([
      'items.0.beginTime: expected number, received "late"',
    ]);
  });

  it('serve a schema that contains itself (a tree), at every depth', () => {
    interface Node {
      name?: string | null | undefined;
      children?: Node[] | null | undefined;
    }
    const NodeSchema: v.GenericSchema<Node> = looseObjectInPlace({
      name: v.nullish(v.string()),
      children: v.nullish(arrayInPlace(v.lazy(() => NodeSchema))),
    });
    const tree = { name: 'a', children: [{ name: 'b', children: [{ name: 'c' }, { name: 'd' }] }, { name: 'e' }] };
    expect(v.parse(NodeSchema, tree)).toBe(tree);
    const bad = { name: 'a', children: [{ name: 'b', children: [{ name: 'c' }, { name: 4 }] }, { name: 'e' }] };
    expect(issuesOf(NodeSchema, bad)).toEqual(['children.0.children.1.name: expected string, received 4']);
  });
});
