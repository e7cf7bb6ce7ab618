import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** 20 random bytes (160 bits), base32 lower case: sessions, sign-in links, API tokens. */
export function generateToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** What is stored in place of a token. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export function sameText(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  return ea.length === eb.length && constantTimeEqual(ea, eb);
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA-256, hex: signs CSRF tokens. The key is imported once per secret. */
export async function hmac(secret: string, message: string): Promise<string> {
  let imported = hmacKeys.get(secret);
  if (!imported) hmacKeys.set(secret, (imported = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])));
  const key = await imported;
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message));
  return encodeHexLowerCase(new Uint8Array(signature));
}
