// The parts of the vendor's API description the tests check against, from test/fixtures (origin and licence are
// noted in the file itself).
import { readFileSync } from 'node:fs';

/** A query parameter as the Swagger 2.0 description gives it. */
export interface DocumentedParameter {
  name: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

interface Excerpt {
  paths: { '/v1/sessions': { get: { parameters: DocumentedParameter[] } } };
  definitions: { ErrorResponse: { required: string[]; properties: Record<string, { type: string }> } };
}

const excerpt = JSON.parse(
  readFileSync(new URL('../fixtures/code42api-sessions-excerpt.json', import.meta.url), 'utf8'),
) as Excerpt;

/** A parameter of `GET /v1/sessions` in the vendor's description; throws when the excerpt lacks it. */
export function documentedParameter(name: string): DocumentedParameter {
  const found = excerpt.paths['/v1/sessions'].get.parameters.find((parameter) => parameter.name === name);
  if (found === undefined) throw new Error(`the vendor excerpt has no parameter ${name}`);
  return found;
}

/** The documented values of an enum parameter of `GET /v1/sessions`. */
export function documentedValues(name: string): string[] {
  const values = documentedParameter(name).enum;
  if (values === undefined) throw new Error(`the vendor excerpt gives no values for ${name}`);
  return values;
}

/** The required fields of the documented error body (`ErrorResponse`). */
export function documentedErrorFields(): string[] {
  return excerpt.definitions.ErrorResponse.required;
}
