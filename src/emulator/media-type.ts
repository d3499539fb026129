/**
 * Versioned media types (spec section 13): `application/vnd.elasticsearch+json; compatible-with=N`.
 * An unsupported or mismatched N is a 400 media_type_header_exception; the answer uses the same
 * versioned type, plain requests get application/json.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { EsHttpError } from './es-errors.js';
import type { VersionProfile } from './version-profile.js';

function compatibleWith(value: string | undefined): number | undefined {
  const match = /compatible-with\s*=\s*(\d+)/i.exec(value ?? '');
  return match ? Number(match[1]) : undefined;
}

export function checkMediaType(headers: IncomingHttpHeaders, profile: VersionProfile): void {
  const accept = compatibleWith(headers.accept);
  const contentType = compatibleWith(headers['content-type']);
  const versions = [accept, contentType].filter((v): v is number => v !== undefined);
  const isBad = versions.some((v) => !profile.compatibleMajors.includes(v)) || (accept !== undefined && contentType !== undefined && accept !== contentType);
  if (!isBad) return;
  const supported = [...profile.compatibleMajors].reverse().join(' or ');
  throw new EsHttpError(400, {
    type: 'media_type_header_exception',
    reason: 'Invalid media-type value on headers [Accept, Content-Type]',
    isRootCause: true,
    causedBy: {
      type: 'status_exception',
      // [inferred] wording of RestCompatibleVersionHelper
      reason: `Accept version must be either version ${supported}, but found ${versions.find((v) => !profile.compatibleMajors.includes(v)) ?? versions.join('/')}. Accept=${headers.accept ?? 'null'}`,
    },
  });
}

export function responseContentType(headers: IncomingHttpHeaders): string {
  const accept = compatibleWith(headers.accept);
  return accept === undefined ? 'application/json' : `application/vnd.elasticsearch+json;compatible-with=${accept}`;
}
