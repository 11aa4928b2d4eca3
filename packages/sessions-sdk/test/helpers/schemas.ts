import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { expect } from 'vitest';
import { describeIssues } from '../../src/validation.js';

/** A fresh parse of a JSON fixture in test/fixtures (callers may mutate it). */
export function loadFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** The described issues of an input the schema must reject. */
export function issuesOf(schema: v.GenericSchema, input: unknown): string[] {
  const result = v.safeParse(schema, input);
  expect(result.success).toBe(false);
  return result.issues === undefined ? [] : describeIssues(result.issues);
}
