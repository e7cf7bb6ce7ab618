import { describe, expect, it } from 'vitest';
import { hmac, hashToken, sameText } from '../../server/shared/tokens';

describe('tokens', () => {
  it('signs with HMAC-SHA-256 as RFC 4231 gives it, so a CSRF token from any instance checks on any other', () => {
    // RFC 4231, test case 2.
    expect(hmac('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(hmac('Jefe', 'what do ya want for nothing!')).not.toBe(hmac('Jefe', 'what do ya want for nothing?'));
  });

  it('stores a token as its SHA-256 and compares texts whole', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sameText('abc', 'abc')).toBe(true);
    expect(sameText('abc', 'abd')).toBe(false);
    expect(sameText('abc', 'abcd')).toBe(false);
  });
});
