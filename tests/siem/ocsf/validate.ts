import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { compileClass, type CompiledClass } from './compile.js';

/** The copied part of the OCSF 1.8.0 schema source (see README.md beside this file). */
export const SCHEMA_ROOT = fileURLToPath(new URL('schema/', import.meta.url));

/** The profiles our records apply (`metadata.profiles`): `host`, for `actor`. */
export const RECORD_PROFILES = ['host'] as const;

/** The Detection Finding compiled from the copied source, for records that apply {@link RECORD_PROFILES}. */
export const detectionFinding: CompiledClass = compileClass(SCHEMA_ROOT, 'detection_finding', RECORD_PROFILES);

/** An Ajv validator for a compiled class; every error is reported, not only the first. */
export function validatorFor(compiled: CompiledClass): (record: unknown) => ErrorObject[] {
  // strictRequired would reject the constraints`' `required` inside `anyOf`, which is how they are written.
  const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(compiled.schema);
  return (record) => (validate(record) ? [] : [...(validate.errors ?? [])]);
}

/** Errors of a record against the Detection Finding (an empty list: valid). */
export const validateDetectionFinding = validatorFor(detectionFinding);

/**
 * The recommended attributes a record leaves out, as dotted paths (`actor.user.has_mfa`): those of the event and of
 * each object the record holds (an array's items under `[]`), by what the compiler reported.
 */
export function absentRecommended(
  record: Record<string, unknown>,
  compiled: CompiledClass = detectionFinding,
): string[] {
  const absent: string[] = [];
  const visit = (value: Record<string, unknown>, owner: string, path: string): void => {
    for (const name of compiled.recommended.get(owner) ?? []) {
      if (!(name in value)) absent.push(path === '' ? name : `${path}.${name}`);
    }
    for (const [name, type] of compiled.objectTypes.get(owner) ?? []) {
      const child = value[name];
      const childPath = path === '' ? name : `${path}.${name}`;
      const items = Array.isArray(child) ? child : [child];
      for (const item of items) {
        if (isObject(item)) visit(item, type, Array.isArray(child) ? `${childPath}[]` : childPath);
      }
    }
  };
  visit(record, '', '');
  return [...new Set(absent)];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
