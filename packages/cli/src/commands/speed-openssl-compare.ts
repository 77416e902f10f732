/**
 * `sslsocket speed -compare openssl`: OpenSSL's figure for each suite's bulk cipher, measured right
 * after our record-layer figure for the suite (same machine state, so the ratio means something on a
 * busy machine), once per cipher (TLS 1.3 and TLS 1.2 AES-128-GCM suites share it), and the notes a
 * reader needs under the table where OpenSSL times something other than our record layer.
 * @module
 */
import type { CipherSuite } from '@sslsocket/suites';
import { measureOpenssl, type OpensslFigure, opensslCipherName } from './speed-openssl.js';
import type { ProgressDisplay } from './speed-progress.js';

/** OpenSSL's figures for one `sslsocket speed -compare openssl` run. */
export class OpensslComparison {
  private readonly byCipher = new Map<string, OpensslFigure>();
  private readonly bySuite = new Map<string, { figure: OpensslFigure; cipher: string; note?: string }>();
  private done = 0;
  /** Ciphers OpenSSL could not time (each counts once, however many suites use it). */
  failures = 0;

  /**
   * @param version `openssl version`, printed under the table
   * @param command the openssl command (default `openssl` from PATH)
   */
  constructor(
    private readonly display: ProgressDisplay,
    private readonly suiteCount: number,
    private readonly recordSize: number,
    private readonly seconds: number,
    private readonly command: string,
    private readonly version: string,
  ) {}

  /** Times the suite's cipher with `openssl speed` unless an earlier suite already had it timed. */
  async measure(suite: CipherSuite): Promise<void> {
    const { cipher, note } = opensslCipherName(suite);
    const label = `speed [openssl ${++this.done}/${this.suiteCount}] ${suite.name}`;
    let figure = this.byCipher.get(cipher);
    if (figure === undefined) {
      this.display.line(`${label}: openssl speed -evp ${cipher} ...`, false);
      figure = await measureOpenssl(suite, this.recordSize, this.seconds, this.command);
      this.byCipher.set(cipher, figure);
      if ('error' in figure) this.failures++;
      const result = 'error' in figure ? `failed: ${figure.error}` : `${figure.megabytesPerSecond.toFixed(1)} MB/s`;
      this.display.line(`${label}: openssl speed -evp ${cipher}: ${result}${note === undefined ? '' : ` (${note})`}`);
    } else {
      this.display.line(`${label}: openssl speed -evp ${cipher}: measured above`);
    }
    this.bySuite.set(suite.name, { figure, cipher, ...(note === undefined ? {} : { note }) });
  }

  /** The rows with OpenSSL's figure of their suite (undefined where it failed). */
  addTo<Row extends { readonly suite: string }>(rows: readonly Row[]): (Row & { opensslMBps: number | undefined })[] {
    return rows.map((row) => {
      const entry = this.bySuite.get(row.suite);
      const opensslMBps = entry === undefined || 'error' in entry.figure ? undefined : entry.figure.megabytesPerSecond;
      return { ...row, opensslMBps };
    });
  }

  /**
   * The lines under the table: which openssl ran and how its column is made, and for each suite
   * where OpenSSL times something else than our record layer (CBC without its HMAC, CCM_8 with a
   * 16-byte tag), what.
   */
  footnotes(): string {
    const lines = [
      `(openssl MB/s: ${this.version}, 'openssl speed -elapsed -evp CIPHER -bytes ${this.recordSize}' and the same with -decrypt, combined as 1 / (1/enc + 1/dec); no record framing, nonces or I/O)`,
    ];
    for (const [suite, { cipher, note }] of this.bySuite) {
      if (note !== undefined)
        lines.push(`(note: ${suite}: openssl times ${cipher}, ${note}; our record column does the whole record)`);
    }
    return `${lines.join('\n')}\n`;
  }
}
