import { nobleProvider, suiteByName } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../io.js';
import { formatSpeedTable, runSpeed } from './speed.js';
import { protectionPair } from './speed-measure.js';
import { opensslCipherName, parseOpensslSpeed } from './speed-openssl.js';

function capture(): CommandIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

/** The data rows of the table: every line whose first cell is a suite name. */
function tableRows(out: string): string[][] {
  return out
    .split('\n')
    .filter((line) => line.startsWith('TLS_'))
    .map((line) => line.trim().split(/\s{2,}/));
}

describe('sslsocket speed', () => {
  it('measures one TLS 1.3 suite (OpenSSL or RFC name): a table with positive numbers, exit 0', async () => {
    const io = capture();
    const code = await runSpeed(['-seconds', '0.2', 'TLS_AES_128_GCM_SHA256'], io, { tty: false });
    expect(io.err).not.toMatch(/failed/);
    expect(code).toBe(0);
    expect(io.out).toMatch(/^suite\s+version\s+provider\s+record MB\/s\s+connection MB\/s\s+handshake ms$/m);
    const rows = tableRows(io.out);
    expect(rows).toHaveLength(1);
    const [suite, version, provider, record, connection, handshakeMs] = rows[0] as string[];
    expect([suite, version, provider]).toEqual(['TLS_AES_128_GCM_SHA256', 'TLSv1.3', 'node']);
    for (const figure of [record, connection, handshakeMs]) expect(Number(figure)).toBeGreaterThan(0);
    // Not a terminal: one progress line per measurement, no carriage returns.
    expect(io.err.split('\n').filter((line) => line.startsWith('speed ['))).toHaveLength(2);
    expect(io.err).not.toContain('\r');
  });

  it('takes OpenSSL names for TLS 1.2 suites, with the live display on a terminal', async () => {
    const io = capture();
    const code = await runSpeed(['-seconds', '0.2', '-bytes', '4096', 'ECDHE-ECDSA-AES128-GCM-SHA256'], io, {
      tty: true,
    });
    expect(code).toBe(0);
    const rows = tableRows(io.out);
    expect(rows[0]?.slice(0, 3)).toEqual(['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLSv1.2', 'node']);
    expect(Number(rows[0]?.[4])).toBeGreaterThan(0);
    expect(io.err).toContain('\r\x1b[K[1/2]');
    expect(io.out).toContain('4096-byte records');
  });

  it('rejects a bad suite name, a bad provider and a bad -seconds with exit 2 and a readable error', async () => {
    for (const [argv, message] of [
      [['TLS_NOT_A_SUITE'], /unknown cipher suite 'TLS_NOT_A_SUITE'/],
      [['-provider', 'openssl'], /-provider must be node, noble, webcrypto or all/],
      [['-seconds', 'soon'], /-seconds wants a number/],
      [['-second', '1'], /unknown option -second \(did you mean -seconds\?\)/],
    ] as const) {
      const io = capture();
      expect(await runSpeed(argv, io)).toBe(2);
      expect(io.err).toMatch(message);
      expect(io.out).toBe('');
    }
  });

  it('documents examples and exit codes in --help', async () => {
    const io = capture();
    expect(await runSpeed(['--help'], io)).toBe(0);
    expect(io.out).toContain('examples:');
    expect(io.out).toMatch(/exit codes: 0 .*1 .*2 /);
  });

  it('skips the connection for RSA suites and reports it, keeping a row', async () => {
    const io = capture();
    const code = await runSpeed(['-seconds', '0.05', 'ECDHE-RSA-AES128-GCM-SHA256'], io, { tty: false });
    expect(code).toBe(0);
    expect(io.err).toMatch(/connection: skipped: needs an RSA certificate/);
    const row = tableRows(io.out)[0] as string[];
    expect(Number(row[3])).toBeGreaterThan(0);
    expect(row.slice(4)).toEqual(['-', '-']);
  });
});

describe('speed building blocks', () => {
  it('a protection pair seals what the other end opens, for AEAD and CBC suites', async () => {
    for (const name of ['TLS_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES128-SHA256']) {
      const suite = suiteByName(name);
      if (suite === undefined) throw new Error(name);
      const [sealer, opener] = protectionPair(suite, nobleProvider);
      const plaintext = new TextEncoder().encode('speed test');
      const out = new Uint8Array(5 + sealer.prefixLength + plaintext.length + sealer.maxSuffixLength(plaintext.length));
      out.set(plaintext, 5 + sealer.prefixLength);
      const total = await sealer.seal(23, out, 0, plaintext.length);
      const opened = await opener.open(23, 0x0303, out, 5, total - 5);
      expect(new TextDecoder().decode(out.subarray(opened.offset, opened.offset + opened.length))).toBe('speed test');
    }
  });

  it('formats a stable table with - for missing figures', () => {
    const text = formatSpeedTable([
      {
        suite: 'TLS_AES_128_GCM_SHA256',
        version: 'tlsv1.3',
        provider: 'noble',
        recordMBps: 12.345,
        connectionMBps: undefined,
        handshakeMs: 3,
      },
    ]);
    const [header, row] = text.split('\n') as [string, string];
    expect(row).toMatch(/^TLS_AES_128_GCM_SHA256 +TLSv1\.3 {2}noble +12\.3 +- +3\.0$/);
    // Numbers are right-aligned under their titles, so each figure ends where its title ends.
    expect(row.length).toBe(header.length);
    expect(row.indexOf('12.3') + 4).toBe(header.indexOf('record MB/s') + 'record MB/s'.length);
  });
});

describe('sslsocket speed -compare openssl', () => {
  it("adds OpenSSL's seal + open rate for the suite's cipher and our ratio to it", async () => {
    const io = capture();
    const code = await runSpeed(
      ['-seconds', '0.2', '-compare', 'openssl', 'TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'],
      io,
      { tty: false },
    );
    expect(io.err).not.toMatch(/failed/);
    expect(code).toBe(0);
    expect(io.out).toMatch(/^suite\s+.*handshake ms\s+openssl MB\/s\s+record\/openssl$/m);
    const rows = tableRows(io.out);
    expect(rows.map((row) => row[0])).toEqual(['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256']);
    for (const row of rows) {
      const [record, openssl, ratio] = [row[3], row[6], row[7]].map(Number) as [number, number, number];
      expect(openssl).toBeGreaterThan(0);
      expect(ratio).toBeCloseTo(record / openssl, 2);
    }
    expect(io.err).toContain('openssl speed -evp aes-128-gcm');
    expect(io.err).toContain('openssl speed -evp chacha20-poly1305');
  });

  it('times a cipher once for the suites that share it, right after our figure for the first of them', async () => {
    const io = capture();
    const code = await runSpeed(
      ['-seconds', '0.05', '-compare', 'openssl', 'TLS_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
      io,
      { tty: false },
    );
    expect(code).toBe(0);
    const progress = io.err.split('\n');
    expect(progress.filter((line) => /openssl speed -evp aes-128-gcm: [0-9.]+ MB\/s/.test(line))).toHaveLength(1);
    expect(progress).toContain(
      'speed [openssl 2/2] TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: openssl speed -evp aes-128-gcm: measured above',
    );
    // Beside our record figure: after the first suite's record line, before its connection line.
    const at = (text: string) => progress.findIndex((line) => line.includes(text));
    expect(at('[openssl 1/2]')).toBeGreaterThan(at('TLS_AES_128_GCM_SHA256 node record'));
    expect(at('[openssl 1/2]')).toBeLessThan(at('TLS_AES_128_GCM_SHA256 node connection'));
    const [first, second] = tableRows(io.out) as [string[], string[]];
    expect(Number(first[6])).toBeGreaterThan(0);
    expect(second[6]).toBe(first[6]);
    expect(io.out).toMatch(/^\(openssl MB\/s: OpenSSL \d+\.\d+.*-bytes 16384/m);
  });

  it('says under the table where OpenSSL times less than our record layer (CBC without its HMAC)', async () => {
    const io = capture();
    expect(
      await runSpeed(['-seconds', '0.05', '-compare', 'openssl', 'ECDHE-ECDSA-AES128-SHA'], io, { tty: false }),
    ).toBe(0);
    expect(io.out).toContain(
      '(note: TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: openssl times aes-128-cbc, cipher only, no HMAC;',
    );
  });

  it('fails at once, before measuring, with exit 1 and a readable error when openssl cannot run', async () => {
    const io = capture();
    const code = await runSpeed(['-compare', 'openssl', 'TLS_AES_128_GCM_SHA256'], io, {
      tty: false,
      openssl: '/nonexistent/bin/openssl',
    });
    expect(code).toBe(1);
    expect(io.err).toBe('error: -compare openssl: /nonexistent/bin/openssl not found on PATH\n');
    expect(io.out).toBe('');
  });

  it('rejects another tool with exit 2', async () => {
    const io = capture();
    expect(await runSpeed(['-compare', 'boringssl'], io, { tty: false })).toBe(2);
    expect(io.err).toContain("-compare takes 'openssl'");
  });

  it('names the cipher OpenSSL times for each kind of suite, and reads its output', () => {
    const name = (suite: string) =>
      opensslCipherName(suiteByName(suite) as NonNullable<ReturnType<typeof suiteByName>>);
    expect(name('TLS_AES_256_GCM_SHA384')).toEqual({ cipher: 'aes-256-gcm' });
    expect(name('TLS_AES_128_CCM_8_SHA256')).toEqual({ cipher: 'aes-128-ccm', note: 'CCM with a 16-byte tag' });
    expect(name('ECDHE-ECDSA-AES128-SHA')).toEqual({ cipher: 'aes-128-cbc', note: 'cipher only, no HMAC' });
    const output = 'type          16384 bytes\nAES-128-GCM    2432666.53k\n';
    expect(parseOpensslSpeed(output)).toBeCloseTo(2_432_666_530, 0);
    expect(() => parseOpensslSpeed('Error: unknown cipher\n')).toThrow(/unexpected openssl speed output/);
  });
});
