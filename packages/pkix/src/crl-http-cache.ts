import { concatBytes } from '@noble/hashes/utils.js';
import type { ParsedCertificate } from './certificate.js';
import { type CrlFetchResult, type CrlSource, type ParsedCrl, parseCrls, sameName } from './crl.js';
import { crlDistributionPointUris } from './crl-distribution-points.js';

/** Options of {@link HttpCrlCache}. */
export interface HttpCrlCacheOptions {
  /**
   * Time one download may take, headers and body, in milliseconds (default 5000; Erlang's
   * `{http, Timeout}` is the same number). A download past it fails as unreachable.
   */
  readonly timeout?: number;
  /** Largest CRL accepted, in bytes (default 10 MiB); a larger body is abandoned unread. */
  readonly maxSize?: number;
  /** Most distribution points whose CRL is kept (default 1000); the oldest entry goes first. */
  readonly maxEntries?: number;
  /** The fetch to use (default the platform's `globalThis.fetch`). */
  readonly fetch?: (url: string, init: { signal: AbortSignal }) => Promise<Response>;
  /** Clock for the cache's freshness, ms since the epoch (default `Date.now`). */
  readonly clock?: { now(): number };
}

interface Entry {
  readonly crl: ParsedCrl;
  /** nextUpdate in ms: the CRL is used from the cache until then. */
  readonly expires: number;
}

const DEFAULT_TIMEOUT = 5000;

/** A fetch error with its cause (Node's fetch says only "fetch failed"; the cause says ECONNREFUSED). */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = cause?.code ?? cause?.message;
  return typeof detail === 'string' ? `${message} (${detail})` : message;
}
const DEFAULT_MAX_SIZE = 10 * 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 1000;

/**
 * A CRL source that downloads the CRL a certificate names in its cRLDistributionPoints (RFC 5280
 * §4.2.1.13, `http:` URIs only) with the platform `fetch`, as Erlang's `ssl_crl_cache` does with
 * `{http, Timeout}` and OpenSSL with `-crl_download`. A downloaded CRL (DER, or PEM) is kept per
 * URL until its nextUpdate (RFC 5280 §5.1.2.5) and answers `lookup` for its issuer meanwhile; a
 * CRL without nextUpdate is used once and not kept. Downloads of one URL at the same time share one
 * request. A download that fails (unreachable, HTTP status other than 200, timeout, body over
 * `maxSize`, not a CRL) is reported to the verifier, which judges it by the `crlCheck` mode: `true`
 * and `'peer'` fail with `unable_to_get_crl`, `'best_effort'` accepts the certificate.
 *
 * Only the CRL's signature, issuer and dates make it trusted (checked by the verifier as for any
 * CRL), never the URL it came from, so plain HTTP is what RFC 5280 intends.
 *
 * @example
 * const crlCache = new HttpCrlCache({ timeout: 3000 });
 * await verifyChain(chain, { roots, crlCheck: true, crlCache });
 */
export class HttpCrlCache implements CrlSource {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<ParsedCrl[]>>();
  private readonly timeout: number;
  private readonly maxSize: number;
  private readonly maxEntries: number;

  constructor(private readonly options: HttpCrlCacheOptions = {}) {
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT;
    this.maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  private now(): number {
    return this.options.clock?.now() ?? Date.now();
  }

  /** CRLs downloaded earlier for this issuer and still before their nextUpdate. */
  lookup(issuerDer: Uint8Array): readonly ParsedCrl[] {
    const now = this.now();
    const found: ParsedCrl[] = [];
    for (const [url, entry] of this.entries) {
      if (entry.expires <= now) this.entries.delete(url);
      else if (sameName(entry.crl.issuerDer, issuerDer)) found.push(entry.crl);
    }
    return found;
  }

  /** Downloads the CRL of the first distribution point that answers; never rejects. */
  async fetchFor(certificate: ParsedCertificate): Promise<CrlFetchResult> {
    let uris: string[];
    try {
      uris = crlDistributionPointUris(certificate);
    } catch (error) {
      return { crls: [], failures: [`unreadable cRLDistributionPoints: ${(error as Error).message}`] };
    }
    if (uris.length === 0)
      return { crls: [], failures: [`${certificate.subject} names no http CRL distribution point`] };
    const failures: string[] = [];
    for (const uri of uris) {
      const cached = this.entries.get(uri);
      if (cached !== undefined && cached.expires > this.now()) return { crls: [cached.crl], failures };
      try {
        return { crls: await this.download(uri), failures };
      } catch (error) {
        failures.push(`CRL download from ${uri} failed: ${describe(error)}`);
      }
    }
    return { crls: [], failures };
  }

  /** Drops every downloaded CRL. */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private download(uri: string): Promise<ParsedCrl[]> {
    let running = this.pending.get(uri);
    if (running === undefined) {
      running = this.get(uri).finally(() => this.pending.delete(uri));
      this.pending.set(uri, running);
    }
    return running;
  }

  private async get(uri: string): Promise<ParsedCrl[]> {
    const fetcher = this.options.fetch ?? globalThis.fetch;
    if (typeof fetcher !== 'function') throw new Error('no fetch on this platform');
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeout);
    let body: Uint8Array;
    try {
      const response = await fetcher(uri, { signal: controller.signal });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`HTTP status ${response.status}`);
      }
      body = await this.readBounded(response);
    } catch (error) {
      if (timedOut) throw new Error(`no answer within ${this.timeout} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const crls = parseCrls(body);
    if (crls.length === 0) throw new Error('the body holds no CRL');
    const crl = crls[0] as ParsedCrl;
    if (crl.nextUpdate !== undefined) this.keep(uri, { crl, expires: crl.nextUpdate.getTime() });
    return [crl];
  }

  private keep(uri: string, entry: Entry): void {
    this.entries.delete(uri);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(uri, entry);
  }

  /** The response body, refused as soon as it passes maxSize (announced or actual). */
  private async readBounded(response: Response): Promise<Uint8Array> {
    const announced = Number(response.headers.get('content-length') ?? Number.NaN);
    if (announced > this.maxSize) {
      await response.body?.cancel();
      throw new Error(`CRL of ${announced} bytes exceeds maxSize ${this.maxSize}`);
    }
    const reader = response.body?.getReader();
    if (reader === undefined) return new Uint8Array(0);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > this.maxSize) {
        await reader.cancel();
        throw new Error(`CRL body exceeds maxSize ${this.maxSize} bytes`);
      }
      parts.push(value);
    }
    return concatBytes(...parts);
  }
}
