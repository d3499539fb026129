/**
 * Expected Elasticsearch response bodies, built from the spec's catalogue (sections 2, 3, 6, 7) and
 * never from the emulator's code.
 */
import { expect } from 'vitest';

/** The standard ES error envelope (spec section 3); `extra` are metadata keys repeated in root_cause. */
export function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): unknown {
  const cause = { type, reason, ...extra };
  return { error: { root_cause: [cause], ...cause }, status };
}

/** Spec section 2: the token-name rule's message, as ES words it. */
export const NAME_RULE =
  'service account token name must have at least 1 character and at most 256 characters that are alphanumeric ' +
  '(A-Z, a-z, 0-9) or hyphen (-) or underscore (_). It must not begin with an underscore (_).';

export function invalidNameMessage(name: string): string {
  return `invalid service token name [${name}]. ${NAME_RULE}`;
}

/** §2/§3: create and delete wrap the name error in a request validation failure. */
export function validationFailed(name: string): unknown {
  return esError(400, 'action_request_validation_exception', `Validation Failed: 1: ${invalidNameMessage(name)};`);
}

/** §1.3: bad `refresh` query values are rejected by the REST layer. */
export function badRefresh(value: string): unknown {
  return esError(400, 'illegal_argument_exception', `Unknown value for refresh: [${value}].`);
}

/** Spec section 6 denial reason. */
export function denial(action: string, subject: string, privileges: string[]): string {
  return `action [${action}] is unauthorized for ${subject}, this action is granted by the cluster privileges [${privileges.join(',')}]`;
}

/** §7 authenticate body for a service-account token, keys in this order. */
export function authenticateBody(principal: string, tokenName: string, type: string): Record<string, unknown> {
  return {
    username: principal,
    roles: [],
    full_name: `Service account - ${principal}`,
    email: null,
    token: { name: tokenName, type },
    metadata: { _elastic_service_account: true },
    enabled: true,
    authentication_realm: { name: '_service_account', type: '_service_account' },
    lookup_realm: { name: '_service_account', type: '_service_account' },
    authentication_type: 'token',
  };
}

/** 401 envelope; WWW-Authenticate appears under `header` in root_cause and top level (§3). */
export function unauthorized(reason: string): unknown {
  return esError(401, 'security_exception', reason, { header: { 'WWW-Authenticate': expect.anything() } });
}

export function saAuthFailed(principal: string, tokenName: string): unknown {
  return unauthorized(`failed to authenticate service account [${principal}] with token name [${tokenName}]`);
}
