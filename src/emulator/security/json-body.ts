/** Request-body reading shared by the security write APIs (users, roles, user-managed accounts). */
import { simpleError } from '../es-errors.js';

export type JsonObject = Record<string, unknown>;

/** The body as a JSON object: no body -> 400 parse_exception, bad JSON or not an object -> 400 x_content_parse_exception. */
export function readJsonObject(ctx: { readBody(): Buffer }): JsonObject {
  const body = ctx.readBody();
  if (body.length === 0) throw simpleError(400, 'parse_exception', 'request body is required');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw simpleError(400, 'x_content_parse_exception', 'Failed to parse request body'); // [inferred] ES names the line and column
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw simpleError(400, 'x_content_parse_exception', 'Failed to parse request body: expected an object');
  }
  return parsed as JsonObject;
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** ES's parsers accept a single string where a list of strings is expected. */
export function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  return isStringArray(value) ? value : undefined;
}

/** `Validation Failed: 1: a;2: b;` as ActionRequestValidationException words it. */
export function validationFailed(errors: string[]): Error {
  const reason = `Validation Failed: ${errors.map((error, i) => `${i + 1}: ${error};`).join('')}`;
  return simpleError(400, 'action_request_validation_exception', reason);
}

/** Comma-separated path parameter (Strings.splitStringByCommaToArray): trimmed, empty parts dropped. */
export function namesParam(value: string | undefined): string[] {
  return (value ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
}
