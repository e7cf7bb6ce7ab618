import { describe, expect, it } from 'vitest';
import { configFrom, parseEnvironment } from '../../server/shared/config';

const fallback = () => 'generated-secret-generated-secret-00';

describe('configuration from the environment', () => {
  it('runs as a demo on the embedded database with nothing set', () => {
    const env = parseEnvironment({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATA_DIR).toBe('./data');
    const config = configFrom(env, fallback);
    expect(config.demo).toBe(true);
    expect(config.baseUrl).toBe('http://localhost:8787');
    expect(config.cookieSecure).toBe(true);
    expect(config.signInLinkMinutes).toBe(15);
  });

  it('needs a secret outside demo mode', () => {
    const env = parseEnvironment({ DATABASE_URL: 'postgres://x@127.0.0.1/db' });
    expect(() => configFrom(env, fallback)).toThrow('SECRET');
    const config = configFrom(parseEnvironment({ DATABASE_URL: 'postgres://x@127.0.0.1/db', SECRET: 's'.repeat(32) }), fallback);
    expect(config.demo).toBe(false);
    expect(config.secret).toBe('s'.repeat(32));
  });

  it('explains every bad value at once', () => {
    expect(() => parseEnvironment({ PORT: 'eighty', COOKIE_SECURE: 'maybe', BASE_URL: 'not a url' })).toThrow(
      /PORT[\s\S]*BASE_URL[\s\S]*COOKIE_SECURE|PORT[\s\S]*COOKIE_SECURE|BASE_URL/,
    );
    try {
      parseEnvironment({ PORT: 'eighty', COOKIE_SECURE: 'maybe' });
    } catch (error) {
      expect((error as Error).message).toContain('PORT');
      expect((error as Error).message).toContain('COOKIE_SECURE');
    }
  });
});
