import { describe, expect, it } from 'vitest';
import { UsageError } from '../args.js';
import { acceptAddress } from './accept-address.js';

// Each case is what OpenSSL 3.0's BIO_parse_hostserv (BIO_PARSE_PRIO_SERV, as s_server calls it)
// makes of the string: a NULL host is every interface, a NULL service a system-chosen port.
describe('s_server -accept as OpenSSL 3.0 parses it', () => {
  it.each([
    ['4433', undefined, 4433],
    [':4433', undefined, 4433],
    ['*:4433', undefined, 4433],
    ['127.0.0.1:8443', '127.0.0.1', 8443],
    ['localhost:0', 'localhost', 0],
    ['[::1]:8443', '::1', 8443],
    ['[::]:4433', '::', 4433],
    ['[::1]', '::1', 0],
    ['127.0.0.1:', '127.0.0.1', 0],
    ['127.0.0.1:*', '127.0.0.1', 0],
  ])('%s', (value, host, port) => {
    expect(acceptAddress(value)).toEqual({ host, port });
  });

  it.each([
    ['::1:4433', /ambiguous/],
    ['[::1:4433', /malformed address/],
    ['[::1]4433', /malformed address/],
    [':', /no host and no port/],
    ['*', /no host and no port/],
    ['https', /port is a number/],
    ['65536', /port is a number/],
    ['host:-1', /port is a number/],
  ])('%s is a usage error', (value, message) => {
    expect(() => acceptAddress(value)).toThrow(UsageError);
    expect(() => acceptAddress(value)).toThrow(message);
  });
});
