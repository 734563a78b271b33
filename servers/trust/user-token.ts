import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A user's proof of identity when the server has a user secret: base64url (no padding) of HMAC-SHA256 keyed
 * with the secret over the user id's UTF-8 bytes. An application back end that knows the secret can compute it
 * itself, e.g. `printf %s alice | openssl dgst -sha256 -hmac "$SECRET" -binary | basenc --base64url | tr -d =`.
 */
export function userToken(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('base64url');
}

/**
 * A public name of the secret, so that a page can tell the tokens it kept from an earlier run apart: 12
 * characters of its SHA-256, which say nothing about the secret (32 random bytes when generated).
 */
export function userTokenIssuer(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url').slice(0, 12);
}

/**
 * Whether `given` is `userId`'s token. The comparison takes the same time wherever the first difference is; a
 * token of another length is refused at once, which says nothing: every token is 43 characters.
 */
export function userTokenMatches(secret: string, userId: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const expected = Buffer.from(userToken(secret, userId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
