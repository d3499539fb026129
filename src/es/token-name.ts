/**
 * Elasticsearch's service-token name rule (spec section 2, `Validation.java`), shared by the
 * manifest checks, the planner and the emulator so that all three agree byte for byte.
 */
const TOKEN_NAME_PATTERN = /^[a-zA-Z0-9-][a-zA-Z0-9_-]{0,255}$/;

export const MAX_TOKEN_NAME_LENGTH = 256;

export function isValidTokenName(name: string): boolean {
  // `$` in a JS regex without the m flag does not match before a trailing newline, so this is a
  // whole-string match like Java's Matcher.matches().
  return TOKEN_NAME_PATTERN.test(name);
}

/** The exact message Elasticsearch gives for an invalid name. */
export function invalidTokenNameMessage(name: string): string {
  return (
    `invalid service token name [${name}]. service account token name must have at least 1 character ` +
    'and at most 256 characters that are alphanumeric (A-Z, a-z, 0-9) or hyphen (-) or underscore (_). ' +
    'It must not begin with an underscore (_).'
  );
}
