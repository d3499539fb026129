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

/** RestCompatibleVersionHelper's wording ([inferred] from the 8.x source). */
function versionProblem(headers: IncomingHttpHeaders, profile: VersionProfile): string | undefined {
  const accept = compatibleWith(headers.accept);
  const contentType = compatibleWith(headers['content-type']);
  const supported = [...profile.compatibleMajors].reverse().join(' or ');
  if (accept !== undefined && !profile.compatibleMajors.includes(accept)) {
    return `Accept version must be either version ${supported}, but found ${accept}. Accept=${headers.accept ?? ''}`;
  }
  if (contentType !== undefined && !profile.compatibleMajors.includes(contentType)) {
    return `Content-Type version must be either version ${supported}, but found ${contentType}. Content-Type=${headers['content-type'] ?? ''}`;
  }
  if (accept !== undefined && contentType !== undefined && accept !== contentType) {
    return (
      'A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version ' +
      `and the compatible versions must match. Accept=${headers.accept ?? ''}, Content-Type=${headers['content-type'] ?? ''}`
    );
  }
  return undefined;
}

export function checkMediaType(headers: IncomingHttpHeaders, profile: VersionProfile): void {
  const problem = versionProblem(headers, profile);
  if (problem === undefined) return;
  throw new EsHttpError(400, {
    type: 'media_type_header_exception',
    reason: 'Invalid media-type value on headers [Accept, Content-Type]',
    isRootCause: true,
    causedBy: { type: 'status_exception', reason: problem },
  });
}

export function responseContentType(headers: IncomingHttpHeaders): string {
  const accept = compatibleWith(headers.accept);
  return accept === undefined ? 'application/json' : `application/vnd.elasticsearch+json;compatible-with=${accept}`;
}
