import { describe, expect, it } from 'vitest';
import { sessionKey } from './session-store.js';

describe('client session store keys', () => {
  it('one server under any spelling of its host name (case, trailing dot: RFC 6066 §3)', () => {
    const key = sessionKey('example.com', 443, undefined);
    expect(sessionKey('Example.COM.', 443, undefined)).toBe(key);
    expect(sessionKey('10.0.0.1', 443, 'EXAMPLE.com.')).toBe(key);
    expect(sessionKey('example.com', 8443, undefined)).not.toBe(key);
    expect(sessionKey('example.org', 443, undefined)).not.toBe(key);
  });
});
