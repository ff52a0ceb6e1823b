import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header value carries the bearer token. Both are
 * hashed (SHA-256) and the digests compared in constant time, so the time
 * taken says nothing about the token, its length included.
 */
export function bearerTokenMatches(header: string | undefined, token: string): boolean {
  if (typeof header !== 'string') return false;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  const got = createHash('sha256')
    .update(m === null ? '' : m[1], 'utf8')
    .digest();
  const want = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(got, want) && m !== null;
}
