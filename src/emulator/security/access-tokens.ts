/**
 * OAuth2 access tokens (POST /_security/oauth2/token): each one stands for the authentication it was granted
 * for, as that authentication was at the moment of the grant (22_user_managed_oauth2_token.yml@c0b6bd5f [test]:
 * disabling the account later does not revoke a token already issued). In memory: tokens do not outlive the
 * emulator process [inferred: ES keeps them in the security-tokens index; nothing here needs a restart].
 */
import { randomBytes } from 'node:crypto';

/** xpack.security.authc.token.timeout's default: 20 minutes. */
export const ACCESS_TOKEN_LIFETIME_MS = 20 * 60 * 1000;

interface AccessToken<P> {
  principal: P;
  expiresAt: number;
  isInvalidated: boolean;
}

/** P: the authenticated principal a token stands for (generic, so that this store needs nothing of auth.ts). */
export class AccessTokens<P> {
  private readonly tokens = new Map<string, AccessToken<P>>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(principal: P): { value: string; expiresInSeconds: number } {
    const value = randomBytes(30).toString('base64url');
    this.tokens.set(value, { principal, expiresAt: this.now() + ACCESS_TOKEN_LIFETIME_MS, isInvalidated: false });
    return { value, expiresInSeconds: ACCESS_TOKEN_LIFETIME_MS / 1000 };
  }

  /** 'unknown' for a value that was never issued (then other bearer kinds are tried). */
  lookup(value: string): P | 'unknown' | 'expired' | 'invalidated' {
    const token = this.tokens.get(value);
    if (!token) return 'unknown';
    if (token.isInvalidated) return 'invalidated';
    return token.expiresAt <= this.now() ? 'expired' : token.principal;
  }

  /** Counts as DELETE /_security/oauth2/token reports them. */
  invalidate(value: string): { invalidated: number; previously: number } {
    const token = this.tokens.get(value);
    if (!token) return { invalidated: 0, previously: 0 };
    if (token.isInvalidated) return { invalidated: 0, previously: 1 };
    token.isInvalidated = true;
    return { invalidated: 1, previously: 0 };
  }
}
