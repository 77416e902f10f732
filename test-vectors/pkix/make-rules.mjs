// The rule corpus of issue #14: one or more cases per RFC 5280 / CABF / RFC 6125 rule, named
// `<rfc-or-profile>::<rule>`, with accept/reject twins where a rule has a boundary. Called by make.mjs
// with its helpers; certificates that `openssl ca` cannot produce (duplicate extensions, a zero or
// negative serial, an empty subject) are made by editing the TBS of one it made and re-signing it
// with the issuer's key (node:crypto), so every signature in the corpus verifies.
import { sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { identityAndConstraintRules } from './make-rules-names.mjs';

// ---- DER editing ---------------------------------------------------------------------------------
function tlv(buf, off) {
  const tag = buf[off];
  let len = buf[off + 1];
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  return { tag, off, start, end: start + len };
}
const kids = (buf, t) => {
  const out = [];
  for (let o = t.start; o < t.end; ) {
    const k = tlv(buf, o);
    out.push(k);
    o = k.end;
  }
  return out;
};
function enc(tag, content) {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}
const slice = (buf, t) => buf.subarray(t.off, t.end);
const pemToDer = (pem) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const derToPem = (der) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;

/** The TBS fields of a v3 certificate: version, serial, sigAlg, issuer, validity, subject, spki, [3] extensions. */
function tbsFields(der) {
  const cert = tlv(der, 0);
  const [tbs, alg, sig] = kids(der, cert);
  return { tbs, alg, sig, fields: kids(der, tbs).map((f) => slice(der, f)) };
}

export function makeEditor({ OUT, work }) {
  /**
   * Re-signs `name` after `edit(fields)` changed its TBS fields (an array of DER buffers), with the
   * key of `signer` (the issuer's name in the corpus, or `name` for a self-signed certificate).
   */
  function patch(name, signer, edit) {
    const der = pemToDer(readFileSync(join(OUT, 'certs', `${name}.pem`), 'utf8'));
    const { alg, fields } = tbsFields(der);
    const tbs = enc(0x30, Buffer.concat(edit(fields)));
    const key = readFileSync(work(`${signer}.key`));
    const signature = sign('sha256', tbs, key);
    const cert = enc(0x30, Buffer.concat([tbs, slice(der, alg), enc(0x03, Buffer.concat([Buffer.from([0]), signature]))]));
    writeFileSync(join(OUT, 'certs', `${name}.pem`), derToPem(cert));
  }
  /** The extensions of a TBS field list, and a way to put a new list back. */
  function extensionsOf(fields) {
    const index = fields.findIndex((f) => f[0] === 0xa3);
    const wrapper = fields[index];
    const seq = tlv(wrapper, tlv(wrapper, 0).start);
    return {
      list: kids(wrapper, seq).map((k) => slice(wrapper, k)),
      put: (list) => {
        const out = [...fields];
        out[index] = enc(0xa3, enc(0x30, Buffer.concat(list)));
        return out;
      },
    };
  }
  const oidOf = (ext) => slice(ext, kids(ext, tlv(ext, 0))[0]).toString('hex');
  const OIDS = { keyUsage: '0603551d0f', subjectAltName: '0603551d11', basicConstraints: '0603551d13' };
  return {
    /** Sets the serialNumber INTEGER content (hex). */
    serial: (name, signer, hex) => patch(name, signer, (f) => [f[0], enc(0x02, Buffer.from(hex, 'hex')), ...f.slice(2)]),
    /** Repeats one extension (by OID name, or the first unknown one when `oid` is a dotted custom OID's DER hex). */
    duplicate: (name, signer, oid) =>
      patch(name, signer, (f) => {
        const { list, put } = extensionsOf(f);
        const ext = list.find((e) => oidOf(e) === (OIDS[oid] ?? oid));
        return put([...list, ext]);
      }),
    /** Replaces the subject with the empty Name. */
    emptySubject: (name, signer) => patch(name, signer, (f) => [...f.slice(0, 5), Buffer.from([0x30, 0x00]), ...f.slice(6)]),
  };
}

// ---- the rules ---------------------------------------------------------------------------------
const WEBPKI_NOTE = {
  openssl:
    'OpenSSL applies RFC 5280 only; this is a CA/Browser Forum Baseline Requirements rule that the webpki profile (our default for TLS) enforces',
  gnutls: 'GnuTLS applies RFC 5280 only; this is a CA/Browser Forum Baseline Requirements rule that the webpki profile enforces',
};

/**
 * Issues the certificates of the rule corpus and returns its cases:
 * `{ name, rule, args, ours, notes? }`, `args` without -attime (make.mjs adds it).
 */
export function ruleCorpus(h) {
  const { issue, crl, bundle, KEYS, O, CA, SKI, leafExt, c, b, r, editor } = h;
  Object.assign(KEYS, {
    rsa1024: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
    rsa2040: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2040'],
    rsa2052: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2052'],
    rsa2056: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2056'],
    k256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'],
    p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  });
  const cases = [];
  const STRICT = ['-x509_strict'];
  const RFC = ['-profile', 'rfc5280'];
  const ROOT = ['-CAfile', c('root')];
  const VIA = [...ROOT, '-untrusted', b('chain')];
  const SERVER = ['-purpose', 'sslserver'];
  /** One case; `profiles` lists where it runs ('webpki' default, 'rfc5280' adds -profile rfc5280). */
  const add = (name, rule, args, ours, notes) => cases.push({ name, rule, args: [...STRICT, ...args], ours, ...(notes ? { notes } : {}) });
  /** A rule with the same answer under both profiles: a webpki case and an rfc5280 twin. */
  const both = (id, rule, args, ours, notes) => {
    add(`rfc5280::${id}`, rule, args, ours, notes);
    add(`rfc5280::${id} (profile rfc5280)`, rule, [...RFC, ...args], ours, notes);
  };
  /** A Web-PKI-only rule: webpki rejects with `reason`, rfc5280 accepts. */
  const webOnly = (id, rule, args, reason, notes = WEBPKI_NOTE) => {
    add(`webpki::${id}`, rule, args, reason, notes);
    add(`rfc5280::${id} (tolerated)`, rule, [...RFC, ...args], 'OK', notes);
  };
  const leaf = (name, subject, ext, extra = {}) => issue(name, { subject: `${O}/CN=${subject}`, issuer: 'inter', ext, ...extra });

  // serialNumber (RFC 5280 §4.1.2.2)
  for (const [name, hex] of [['r-serial-zero', '00'], ['r-serial-neg', 'ff01'], ['r-serial-21', `01${'00'.repeat(20)}`], ['r-serial-20', `7f${'11'.repeat(19)}`]]) {
    leaf(name, `${name}.test`, leafExt(`DNS:${name}.test`));
    editor.serial(name, 'inter', hex);
  }
  both('serial-zero', 'serial', [...VIA, c('r-serial-zero')], 'invalid_serial_number', {
    openssl: 'RFC 5280 §4.1.2.2: serialNumber MUST be a positive integer; both profiles refuse zero, OpenSSL accepts it',
    gnutls: 'RFC 5280 §4.1.2.2: serialNumber MUST be a positive integer; both profiles refuse zero, GnuTLS accepts it',
  });
  webOnly('serial-negative', 'serial', [...VIA, c('r-serial-neg')], 'invalid_serial_number', {
    openssl: 'RFC 5280 §4.1.2.2 asks relying parties to tolerate negative serials, and OpenSSL does; CABF 7.1 requires a positive one, so webpki refuses it',
    gnutls: 'RFC 5280 §4.1.2.2 asks relying parties to tolerate negative serials; CABF 7.1 requires a positive one, so webpki refuses it',
  });
  both('serial-21-octets', 'serial', [...VIA, c('r-serial-21')], 'invalid_serial_number', {
    openssl: 'RFC 5280 §4.1.2.2: serialNumber is at most 20 octets; OpenSSL does not check the length',
    gnutls: 'RFC 5280 §4.1.2.2: serialNumber is at most 20 octets; GnuTLS does not check the length',
  });
  both('serial-20-octets', 'serial', [...VIA, c('r-serial-20')], 'OK');

  // version (CABF 7.1.1; RFC 5280 §4.1.2.1, §6.1.4 (k))
  issue('r-v1-leaf', { subject: `${O}/CN=v1.test`, issuer: 'inter', ext: null });
  webOnly('version-v1-leaf', 'version', [...VIA, c('r-v1-leaf')], 'unsupported_certificate_version');
  issue('r-v1-inter', { subject: `${O}/CN=V1 Intermediate`, issuer: 'root', ext: null });
  // An issuer without subjectKeyIdentifier: openssl cannot fill authorityKeyIdentifier below it.
  // OpenSSL 3 adds both key identifiers by default; `none` leaves them out.
  const noAki = (ext) => ext.replace('\nauthorityKeyIdentifier=keyid', '\nauthorityKeyIdentifier=none');
  issue('r-under-v1', { subject: `${O}/CN=underv1.test`, issuer: 'r-v1-inter', ext: noAki(leafExt('DNS:underv1.test')) });
  add('webpki::version-v1-intermediate', 'version', [...ROOT, '-untrusted', c('r-v1-inter'), c('r-under-v1')], 'unsupported_certificate_version');
  add('rfc5280::version-v1-intermediate-not-a-ca', 'version', [...RFC, ...ROOT, '-untrusted', c('r-v1-inter'), c('r-under-v1')], 'missing_basic_constraint');

  // authority / subject key identifiers (RFC 5280 §4.2.1.1–2, CABF 7.1.2.1.3; webpki)
  const LEAF_BASE = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth';
  leaf('r-noaki', 'noaki.test', `${LEAF_BASE}\nsubjectAltName=DNS:noaki.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=none`);
  webOnly('aki-missing', 'keyIdentifier', [...VIA, c('r-noaki')], 'invalid_key_identifier');
  leaf('r-akicrit', 'akicrit.test', `${LEAF_BASE}\nsubjectAltName=DNS:akicrit.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=critical,keyid`);
  webOnly('aki-critical', 'keyIdentifier', [...VIA, c('r-akicrit')], 'invalid_key_identifier');
  const ROOT_BASE = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign';
  const rootWith = (name, cn, ext) => {
    issue(name, { subject: `${O}/CN=${cn}`, ext });
    const leafExtension = leafExt(`DNS:${name}.test`);
    issue(`${name}-leaf`, { subject: `${O}/CN=${name}.test`, issuer: name, ext: ext.includes('subjectKeyIdentifier=hash') ? leafExtension : noAki(leafExtension) });
    return ['-CAfile', c(name), c(`${name}-leaf`)];
  };
  webOnly('root-aki-names-issuer', 'keyIdentifier', rootWith('root-aki-issuer', 'Root AKI Issuer', `${ROOT_BASE}\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always,issuer:always`), 'invalid_key_identifier');
  webOnly('root-aki-differs-from-ski', 'keyIdentifier', rootWith('root-aki-other', 'Root AKI Other', `${ROOT_BASE}\nsubjectKeyIdentifier=hash\n2.5.29.35=DER:30068004AABBCCDD`), 'invalid_key_identifier');
  both('root-aki-equals-ski', 'keyIdentifier', [...VIA, c('leaf')], 'OK');
  webOnly('root-without-ski', 'keyIdentifier', rootWith('root-noski', 'Root No SKI', `${ROOT_BASE}\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none`), 'invalid_key_identifier');
  issue('r-inter-noski', { subject: `${O}/CN=Intermediate No SKI`, issuer: 'root', ext: `${ROOT_BASE}\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=keyid` });
  issue('r-under-noski', { subject: `${O}/CN=undernoski.test`, issuer: 'r-inter-noski', ext: noAki(leafExt('DNS:undernoski.test')) });
  webOnly('ca-without-ski', 'keyIdentifier', [...ROOT, '-untrusted', c('r-inter-noski'), c('r-under-noski')], 'invalid_key_identifier');

  // authorityInformationAccess (RFC 5280 §4.2.2.1)
  leaf('r-aia', 'aia.test', leafExt('DNS:aia.test', 'serverAuth', 'authorityInfoAccess=OCSP;URI:http://ocsp.test/'));
  both('aia-non-critical', 'aia', [...VIA, c('r-aia')], 'OK');
  leaf('r-aia-crit', 'aiacrit.test', leafExt('DNS:aiacrit.test', 'serverAuth', 'authorityInfoAccess=critical,OCSP;URI:http://ocsp.test/'));
  both('aia-critical', 'aia', [...VIA, c('r-aia-crit')], 'invalid_extension', {
    openssl: 'RFC 5280 §4.2.2.1: authorityInfoAccess MUST be non-critical; OpenSSL processes it and does not check',
    gnutls: 'RFC 5280 §4.2.2.1: authorityInfoAccess MUST be non-critical; GnuTLS does not check',
  });
  leaf('r-aia-bad', 'aiabad.test', leafExt('DNS:aiabad.test', 'serverAuth', '1.3.6.1.5.5.7.1.1=DER:0500'));
  both('aia-malformed', 'aia', [...VIA, c('r-aia-bad')], 'malformed_certificate', {
    openssl: 'RFC 5280 §4.2.2.1 defines AuthorityInfoAccessSyntax; OpenSSL does not decode AIA during verification',
    gnutls: 'RFC 5280 §4.2.2.1 defines AuthorityInfoAccessSyntax; GnuTLS does not decode AIA during verification',
  });

  // basicConstraints (RFC 5280 §4.2.1.9)
  webOnly('root-basic-constraints-not-critical', 'basicConstraints', rootWith('root-bc-noncrit', 'Root BC Non Critical', `basicConstraints=CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n${SKI}`), 'invalid_extension');
  leaf('r-ku-certsign', 'kucertsign.test', `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyCertSign\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:kucertsign.test\n${SKI}`);
  const kuNote = { gnutls: "RFC 5280 §4.2.1.9: keyCertSign MUST NOT be asserted without cA; GnuTLS does not check a leaf's keyUsage against basicConstraints" };
  both('leaf-keyCertSign-without-ca', 'basicConstraints', [...VIA, c('r-ku-certsign')], 'invalid_key_usage', kuNote);
  leaf('r-ku-certsign-nobc', 'kucertsignnobc.test', `keyUsage=critical,digitalSignature,keyCertSign\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:kucertsignnobc.test\n${SKI}`);
  both('leaf-keyCertSign-without-basic-constraints', 'basicConstraints', [...VIA, c('r-ku-certsign-nobc')], 'invalid_key_usage', kuNote);
  const caLeaf = (pl) => `basicConstraints=critical,CA:TRUE${pl}\nkeyUsage=critical,digitalSignature,keyCertSign\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:caleaf.test\n${SKI}`;
  leaf('r-ca-leaf', 'caleaf.test', caLeaf(''));
  webOnly('ca-certificate-as-leaf', 'caLeaf', [...VIA, ...SERVER, '-verify_hostname', 'caleaf.test', c('r-ca-leaf')], 'ca_certificate_as_leaf');
  issue('r-ca-leaf-pl0', { subject: `${O}/CN=caleaf.test`, issuer: 'inter-pl0', ext: caLeaf(',pathlen:0') });
  // A pinned certificate, as `openssl req -x509` makes it (cA=TRUE, no extendedKeyUsage): the leaf is
  // itself the trust anchor, trusted directly under both profiles (as OpenSSL and Go do).
  issue('pinned-req-x509', { subject: '/CN=localhost', ext: `basicConstraints=critical,CA:TRUE\nsubjectAltName=DNS:localhost\n${SKI}` });
  const PINNED = ['-CAfile', c('pinned-req-x509'), ...SERVER, '-verify_hostname', 'localhost', c('pinned-req-x509')];
  add('webpki::pinned-ca-certificate-trusted-directly', 'caLeaf', PINNED, 'OK');
  add('rfc5280::pinned-ca-certificate-trusted-directly', 'caLeaf', [...RFC, ...PINNED], 'OK');
  webOnly('leaf-pathlen-ignored', 'pathLen', [...ROOT, '-untrusted', c('inter-pl0'), c('r-ca-leaf-pl0')], 'ca_certificate_as_leaf');

  // extendedKeyUsage (CABF 7.1.2.7.6, 7.1.2.1.2)
  webOnly('leaf-without-eku', 'EKU', [...VIA, ...SERVER, c('leaf-noeku')], 'invalid_ext_key_usage');
  leaf('r-eku-any', 'ekuany.test', leafExt('DNS:ekuany.test', 'anyExtendedKeyUsage'));
  add('webpki::eku-any-alone', 'EKU', [...VIA, ...SERVER, c('r-eku-any')], 'invalid_ext_key_usage', WEBPKI_NOTE);
  add('rfc5280::eku-any-alone (tolerated)', 'EKU', [...RFC, ...VIA, ...SERVER, c('r-eku-any')], 'OK', {
    openssl: 'RFC 5280 §4.2.1.12: anyExtendedKeyUsage means any purpose; OpenSSL requires the specific purpose for sslserver',
    gnutls: 'RFC 5280 §4.2.1.12: anyExtendedKeyUsage means any purpose',
  });
  leaf('r-eku-crit', 'ekucrit.test', leafExt('DNS:ekucrit.test', 'critical,serverAuth'));
  webOnly('leaf-eku-critical', 'EKU', [...VIA, ...SERVER, c('r-eku-crit')], 'invalid_ext_key_usage');
  webOnly('root-with-eku', 'EKU', rootWith('root-eku', 'Root With EKU', `${ROOT_BASE}\n${SKI}\nextendedKeyUsage=serverAuth`), 'invalid_ext_key_usage');
  both('leaf-eku-serverAuth', 'EKU', [...VIA, ...SERVER, c('leaf')], 'OK');
  both('leaf-eku-clientAuth-as-client', 'EKU', [...VIA, '-purpose', 'sslclient', c('leaf-client')], 'OK');

  // policyConstraints / nameConstraints criticality (RFC 5280 §4.2.1.11, §4.2.1.10)
  issue('r-pc-noncrit', { subject: `${O}/CN=PC Non Critical`, issuer: 'root', ext: `${CA}\ncertificatePolicies=1.3.6.1.4.1.55555.10\npolicyConstraints=requireExplicitPolicy:0` });
  issue('r-under-pc', { subject: `${O}/CN=underpc.test`, issuer: 'r-pc-noncrit', ext: leafExt('DNS:underpc.test', 'serverAuth', 'certificatePolicies=1.3.6.1.4.1.55555.10') });
  both('policy-constraints-not-critical', 'criticality', [...ROOT, '-untrusted', c('r-pc-noncrit'), c('r-under-pc')], 'invalid_extension', {
    openssl: 'RFC 5280 §4.2.1.11: policyConstraints MUST be critical; OpenSSL does not check',
    gnutls: 'RFC 5280 §4.2.1.11: policyConstraints MUST be critical; GnuTLS does not check',
  });
  both('policy-constraints-critical', 'criticality', [...ROOT, '-untrusted', c('pol-ca'), c('pol-ok')], 'OK', {
    gnutls: 'GnuTLS does not process certificate policies, so it refuses the critical policyConstraints that RFC 5280 §4.2.1.11 requires; we process it (§6.1.4 (i))',
  });
  issue('r-nc-noncrit', { subject: `${O}/CN=NC Non Critical`, issuer: 'root', ext: `${CA}\nnameConstraints=permitted;DNS:allowed.test` });
  issue('r-under-nc-noncrit', { subject: `${O}/CN=www.allowed.test`, issuer: 'r-nc-noncrit', ext: leafExt('DNS:www.allowed.test') });
  const NCN = [...ROOT, '-untrusted', c('r-nc-noncrit'), c('r-under-nc-noncrit')];
  add('webpki::name-constraints-not-critical (tolerated)', 'criticality', NCN, 'OK');
  add('rfc5280::name-constraints-not-critical', 'criticality', [...RFC, ...NCN], 'invalid_extension', {
    openssl: 'RFC 5280 §4.2.1.10: nameConstraints MUST be critical; OpenSSL (like the Web PKI) tolerates it',
    gnutls: 'RFC 5280 §4.2.1.10: nameConstraints MUST be critical; GnuTLS tolerates it',
  });

  identityAndConstraintRules(h, { add, both, webOnly, leaf, rootWith, STRICT, RFC, ROOT, VIA, SERVER, WEBPKI_NOTE });
  return cases;
}
