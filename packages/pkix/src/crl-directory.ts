import { existsSync, join } from '#files';
import { type CrlSource, type ParsedCrl, parseCrl, sameName } from './crl.js';
import { nameHash } from './name-hash.js';
import { type PemCache, pemCache } from './pem-cache.js';

/**
 * CRLs in a directory laid out as OpenSSL's `c_rehash` (or `openssl rehash`) makes it: the CRLs of
 * an issuer are in `<hash>.r0`, `<hash>.r1`, ... where `<hash>` is the issuer's X509_NAME_hash
 * (Erlang `ssl_crl_hash_dir`). Files are read through the PEM cache, so edits are picked up.
 *
 * @example
 * const store = new CrlDirectoryStore('/etc/ssl/crls');
 * await verifyChain(chain, { roots, crlCheck: 'peer', crlCache: store });
 */
export class CrlDirectoryStore implements CrlSource {
  // Parsed CRLs by the cached file content they came from: unchanged files are parsed once.
  private readonly parsed = new WeakMap<Uint8Array, ParsedCrl>();

  constructor(
    readonly directory: string,
    private readonly cache: PemCache = pemCache,
  ) {}

  lookup(issuerDer: Uint8Array): readonly ParsedCrl[] {
    const stem = nameHash(issuerDer);
    const found: ParsedCrl[] = [];
    // The suffixes are consecutive from 0; hash collisions take the next number, so check the issuer too.
    for (let n = 0; ; n++) {
      const path = join(this.directory, `${stem}.r${n}`);
      if (!existsSync(path)) break;
      for (const der of this.cache.readDer(path, 'X509 CRL')) {
        let crl = this.parsed.get(der);
        if (crl === undefined) {
          crl = parseCrl(der);
          this.parsed.set(der, crl);
        }
        if (sameName(crl.issuerDer, issuerDer)) found.push(crl);
      }
    }
    return found;
  }
}
