import { randomBytes } from 'node:crypto';

/** Who a token was issued to. */
export interface TokenOwner {
  clientId: string;
}

/** Issues and checks access and refresh tokens; access tokens are JWT-shaped with a `tenantUid` claim. */
export class Tokens {
  readonly #tenantId: string;
  readonly #access = new Map<string, { owner: TokenOwner; expiresAt: number }>();
  readonly #refresh = new Map<string, TokenOwner>();

  constructor(tenantId: string) {
    this.#tenantId = tenantId;
  }

  /** A new access token valid for `ttlSec` seconds. */
  issueAccess(owner: TokenOwner, ttlSec: number): { token: string; expiresAt: number } {
    const now = Date.now();
    const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = {
      sub: owner.clientId,
      tenantUid: this.#tenantId,
      iat: Math.floor(now / 1000),
      jti: randomBytes(8).toString('hex'),
    };
    const token = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${randomBytes(32).toString('base64url')}`;
    const expiresAt = now + ttlSec * 1000;
    this.#access.set(token, { owner, expiresAt });
    return { token, expiresAt };
  }

  /** The owner of a valid access token, or undefined when it is unknown or expired. */
  check(token: string): TokenOwner | undefined {
    const entry = this.#access.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#access.delete(token);
      return undefined;
    }
    return entry.owner;
  }

  /** Make every access token issued so far invalid (a token that expires early). */
  expireAll(): void {
    this.#access.clear();
  }

  /** A new refresh token for this owner. */
  issueRefresh(owner: TokenOwner): string {
    const token = `rt-${randomBytes(24).toString('base64url')}`;
    this.#refresh.set(token, owner);
    return token;
  }

  /** Spend a refresh token: its owner, once; undefined when unknown or already used. */
  spendRefresh(token: string): TokenOwner | undefined {
    const owner = this.#refresh.get(token);
    this.#refresh.delete(token);
    return owner;
  }
}
