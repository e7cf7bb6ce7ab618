import { describe, expect, it } from 'vitest';
import { ConfigurationError, configFrom, parseEnvironment } from '../../server/shared/config';

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

  it('runs more than one worker process only on PostgreSQL, whose connections every process can open', () => {
    expect(parseEnvironment({}).WORKERS).toBe(1);
    expect(() => parseEnvironment({ WORKERS: '2' })).toThrow(/^  WORKERS: more than one needs DATABASE_URL/m);
    // Told beside another setting's fault, not after it is mended.
    const both = () => parseEnvironment({ WORKERS: '2', PORT: 'eighty' });
    for (const name of ['PORT', 'WORKERS']) expect(both).toThrow(new RegExp(`^  ${name}: `, 'm'));
    expect(() => parseEnvironment({ WORKERS: '0', DATABASE_URL: 'postgres://x@127.0.0.1/db' })).toThrow(/^  WORKERS: /m);
    expect(parseEnvironment({ WORKERS: '4', DATABASE_URL: 'postgres://x@127.0.0.1/db' }).WORKERS).toBe(4);
  });

  it('explains every bad value at once', () => {
    const bad = () => parseEnvironment({ PORT: 'eighty', COOKIE_SECURE: 'maybe', BASE_URL: 'not a url' });
    expect(bad).toThrow(ConfigurationError);
    for (const name of ['PORT', 'COOKIE_SECURE', 'BASE_URL']) expect(bad).toThrow(new RegExp(`^  ${name}: `, 'm'));
  });

  it('refuses to start the demo where others can reach its mailbox, unless DEMO=true says so', () => {
    const demoAt = (env: Record<string, string>) => () => configFrom(parseEnvironment(env), fallback);
    for (const env of [{ HOST: '0.0.0.0' }, { HOST: '192.0.2.10' }, { BASE_URL: 'https://training.example.org' }] as Record<string, string>[]) {
      expect(demoAt(env)).toThrow(ConfigurationError);
      expect(demoAt(env)).toThrow(/DEMO: .*dev mailbox .*DEMO=true/);
      expect(demoAt({ ...env, DEMO: 'true' })().demo).toBe(true);
    }
    for (const HOST of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) expect(demoAt({ HOST })().demo).toBe(true);
    expect(demoAt({ HOST: '0.0.0.0', DATABASE_URL: 'postgres://x@127.0.0.1/db', SECRET: 's'.repeat(32) })().demo).toBe(false);
  });
});
