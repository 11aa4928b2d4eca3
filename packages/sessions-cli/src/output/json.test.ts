import { describe, expect, test } from 'vitest';
import { jsonLine, jsonPretty } from './json.js';

// Written by hand in an order no schema imposes, with unknown keys, nulls and nested values.
const RAW =
  '{"zeta":1,"sessionId":"s-1","notes":null,"futureField":{"b":[1,"two",null],"a":true},"actorId":"a-1",' +
  '"emptyList":[],"emptyObject":{},"text":"quote \\" tab \\t ünï 🚀"}';

describe('json output', () => {
  test('writes one compact line per record with keys, order and nulls as received', () => {
    expect(jsonLine(JSON.parse(RAW))).toBe(`${RAW}\n`);
  });

  test('writes pretty JSON indented 2 spaces with the same keys in the same order', () => {
    const text = jsonPretty(JSON.parse(RAW));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n').slice(0, 4)).toEqual(['{', '  "zeta": 1,', '  "sessionId": "s-1",', '  "notes": null,']);
    expect(JSON.stringify(JSON.parse(text))).toBe(RAW);
  });
});
