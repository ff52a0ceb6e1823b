import { timingSafeEqual } from 'node:crypto';

/** Whether an `Authorization` header value carries the bearer token (compared in constant time). */
export function bearerTokenMatches(header: string | undefined, token: string): boolean {
  if (typeof header !== 'string') return false;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (m === null) return false;
  const got = Buffer.from(m[1], 'utf8');
  const want = Buffer.from(token, 'utf8');
  return got.length === want.length && timingSafeEqual(got, want);
}
