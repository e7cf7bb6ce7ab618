import { hmac as hmacSha256 } from '@oslojs/crypto/hmac';
import { sha256, SHA256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

const encoder = new TextEncoder();

/** 20 random bytes (160 bits), base32 lower case: sessions, sign-in links, API tokens. */
export function generateToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** What is stored in place of a token. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(encoder.encode(token)));
}

export function sameText(a: string, b: string): boolean {
  const ea = encoder.encode(a);
  const eb = encoder.encode(b);
  return ea.length === eb.length && constantTimeEqual(ea, eb);
}

/**
 * HMAC-SHA-256, hex: signs CSRF tokens on every page request. Computed in process (a few
 * microseconds for these short messages) rather than through WebCrypto, whose asynchronous
 * job cost several times more per request.
 */
export function hmac(secret: string, message: string): string {
  return encodeHexLowerCase(hmacSha256(SHA256, encoder.encode(secret), encoder.encode(message)));
}
