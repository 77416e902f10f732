#!/usr/bin/env node
// Regenerates the PKIX corpus: `node test-vectors/pkix/make.mjs` (needs `openssl` 3.x on PATH).
//
// Every certificate and CRL is made with `openssl req` / `openssl ca` at fixed dates, so the
// committed outputs stay valid: the tests validate at ATTIME (2026-07-01T00:00:00Z) with -attime.
// Outputs: certs/*.pem, crls/*.pem, bundles/*.pem (files concatenated for -CAfile/-untrusted/-CRLfile),
// dhparam-ffdhe2048.pem and cases.json. Keys are thrown away; nothing needs them after generation.
//
// Each case lists the `verify` arguments (the same for `openssl verify` and `sslsocket verify`),
// our expected answer (`OK` or the reason we print) and what `openssl verify` is expected to say
// (its X509_V_ERR code), with a note where the two legitimately differ.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeEditor, ruleCorpus } from './make-rules.mjs';
import { judge, unexplained } from './make-judge.mjs';
import { makeOcsp } from './make-ocsp.mjs';

const OUT = dirname(fileURLToPath(import.meta.url));
const WORK = mkdtempSync(join(tmpdir(), 'pkix-corpus-'));
const ATTIME = Date.UTC(2026, 6, 1) / 1000;

const NORMAL = ['260101000000Z', '360101000000Z'];
const EXPIRED = ['250101000000Z', '260301000000Z'];
const NOT_YET = ['270101000000Z', '300101000000Z'];

for (const sub of ['certs', 'crls', 'bundles']) {
  rmSync(join(OUT, sub), { recursive: true, force: true });
  mkdirSync(join(OUT, sub), { recursive: true });
}
mkdirSync(join(WORK, 'db'));

const openssl = (args) => execFileSync('openssl', args, { cwd: WORK, stdio: ['ignore', 'pipe', 'pipe'] });
const work = (name) => join(WORK, name);
let serial = 0x1000;

/** `numbering`: 'normal' (openssl's cRLNumber), 'none' (no cRLNumber) or 'critical' (a critical cRLNumber). */
function config(ca, crlExtensions = true, numbering = 'normal') {
  const db = work(`db/${ca}.txt`);
  try {
    readFileSync(db);
  } catch {
    writeFileSync(db, '');
    writeFileSync(work(`db/${ca}.crlnumber`), '01\n');
  }
  const file = work(`db/${ca}.cnf`);
  writeFileSync(
    file,
    [
      '[ca]',
      'default_ca = d',
      '[d]',
      `database = ${db}`,
      `new_certs_dir = ${WORK}`,
      `serial = ${work('serial')}`,
      ...(numbering === 'normal' ? [`crlnumber = ${work(`db/${ca}.crlnumber`)}`] : []),
      'default_md = default',
      'policy = p',
      'unique_subject = no',
      ...(crlExtensions ? ['crl_extensions = crl_ext', '[crl_ext]', 'authorityKeyIdentifier = keyid:always'] : []),
      ...(numbering === 'critical' ? [...(crlExtensions ? [] : ['crl_extensions = crl_ext', '[crl_ext]']), '2.5.29.20 = critical,DER:020107'] : []),
      '[p]',
      'commonName = optional',
      '',
    ].join('\n'),
  );
  return file;
}

const KEYS = {
  ec: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ed25519: ['-algorithm', 'ED25519'],
};

/**
 * Issues certificate `name` for `subject`, signed by `issuer` (a name issued before) or self-signed.
 * `keyFrom` reuses another certificate's key (cross-certificates, loops).
 */
function issue(name, { subject, issuer, ext, key = 'ec', keyFrom, md, dates = NORMAL, sigopt = [] }) {
  if (keyFrom === undefined) openssl(['genpkey', ...KEYS[key], '-out', work(`${name}.key`)]);
  else writeFileSync(work(`${name}.key`), readFileSync(work(`${keyFrom}.key`)));
  openssl(['req', '-new', '-key', work(`${name}.key`), '-subj', subject, '-out', work(`${name}.csr`)]);
  if (ext !== null) writeFileSync(work(`${name}.ext`), `[ext]\n${ext}\n`);
  writeFileSync(work('serial'), `${(serial++).toString(16)}\n`);
  const signer =
    issuer === undefined
      ? ['-selfsign', '-keyfile', work(`${name}.key`)]
      : ['-cert', join(OUT, 'certs', `${issuer}.pem`), '-keyfile', work(`${issuer}.key`)];
  openssl([
    'ca',
    '-batch',
    '-config',
    config(issuer ?? name),
    '-in',
    work(`${name}.csr`),
    '-out',
    work(`${name}.out`),
    '-notext',
    '-preserveDN',
    '-startdate',
    dates[0],
    '-enddate',
    dates[1],
    ...(ext === null ? [] : ['-extfile', work(`${name}.ext`), '-extensions', 'ext']),
    ...(md === undefined ? [] : ['-md', md]),
    ...sigopt.flatMap((opt) => ['-sigopt', opt]),
    ...signer,
  ]);
  writeFileSync(join(OUT, 'certs', `${name}.pem`), openssl(['x509', '-in', work(`${name}.out`)]));
}

/** A CRL of `ca` revoking `revoke` (certificate names), valid from `last` to `next`. */
function crl(name, ca, { revoke = [], last = '20260601000000Z', next = '20260801000000Z', akid = true, numbering } = {}) {
  const cnf = config(ca, akid, numbering);
  const signer = ['-cert', join(OUT, 'certs', `${ca}.pem`), '-keyfile', work(`${ca}.key`)];
  for (const cert of revoke)
    openssl([
      'ca',
      '-config',
      cnf,
      '-revoke',
      join(OUT, 'certs', `${cert}.pem`),
      '-crl_reason',
      'keyCompromise',
      ...signer,
    ]);
  openssl([
    'ca',
    '-config',
    cnf,
    '-gencrl',
    '-crl_lastupdate',
    last,
    '-crl_nextupdate',
    next,
    '-out',
    join(OUT, 'crls', `${name}.pem`),
    ...signer,
  ]);
}

function bundle(name, parts) {
  const text = parts.map((part) => readFileSync(join(OUT, part), 'utf8')).join('');
  writeFileSync(join(OUT, 'bundles', `${name}.pem`), text);
}

const SKI = 'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid';
const CA = `basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n${SKI}`;
const leafExt = (san, eku = 'serverAuth', extra = '') =>
  [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    ...(eku === '' ? [] : [`extendedKeyUsage=${eku}`]),
    ...(san === '' ? [] : [`subjectAltName=${san}`]),
    SKI,
    extra,
  ].join('\n');
const O = '/O=PKIX Corpus';

// Roots and the main chain.
issue('root', { subject: `${O}/CN=Corpus Root`, ext: CA });
issue('root2', { subject: `${O}/CN=Corpus Root 2`, ext: CA });
issue('other-root', { subject: `${O}/CN=Unrelated Root`, ext: CA });
issue('inter', { subject: `${O}/CN=Corpus Intermediate`, issuer: 'root', ext: CA });
issue('inter2', { subject: `${O}/CN=Corpus Second Level`, issuer: 'inter', ext: CA });
issue('leaf', {
  subject: `${O}/CN=good.test`,
  issuer: 'inter',
  ext: leafExt('DNS:good.test,DNS:*.wild.test,DNS:xn--bcher-kva.test,DNS:*.idn.test,IP:10.1.2.3,IP:2001:db8::1'),
});
issue('leaf-client', { subject: `${O}/CN=client.test`, issuer: 'inter', ext: leafExt('DNS:client.test', 'clientAuth') });
issue('leaf-both', {
  subject: `${O}/CN=both.test`,
  issuer: 'inter',
  ext: leafExt('DNS:both.test', 'serverAuth,clientAuth'),
});
issue('leaf-noeku', { subject: `${O}/CN=noeku.test`, issuer: 'inter', ext: leafExt('DNS:noeku.test', '') });
issue('leaf-ku-bad', {
  subject: `${O}/CN=kubad.test`,
  issuer: 'inter',
  ext: `basicConstraints=CA:FALSE\nkeyUsage=critical,nonRepudiation\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:kubad.test\n${SKI}`,
});
issue('leaf-expired', { subject: `${O}/CN=expired.test`, issuer: 'inter', ext: leafExt('DNS:expired.test'), dates: EXPIRED });
issue('leaf-notyet', { subject: `${O}/CN=notyet.test`, issuer: 'inter', ext: leafExt('DNS:notyet.test'), dates: NOT_YET });
issue('leaf-deep', { subject: `${O}/CN=deep.test`, issuer: 'inter2', ext: leafExt('DNS:deep.test') });
issue('leaf-cnonly', { subject: `${O}/CN=cnonly.test`, issuer: 'inter', ext: leafExt('') });
issue('leaf-critext', {
  subject: `${O}/CN=critext.test`,
  issuer: 'inter',
  ext: leafExt('DNS:critext.test', 'serverAuth', '1.3.6.1.4.1.55555.1=critical,ASN1:NULL'),
});
issue('leaf-noncritext', {
  subject: `${O}/CN=noncritext.test`,
  issuer: 'inter',
  ext: leafExt('DNS:noncritext.test', 'serverAuth', '1.3.6.1.4.1.55555.2=ASN1:NULL'),
});
issue('self', { subject: `${O}/CN=self.test`, ext: leafExt('DNS:self.test') });
issue('leaf-sha1', { subject: `${O}/CN=sha1.test`, issuer: 'inter', ext: leafExt('DNS:sha1.test'), md: 'sha1' });
issue('leaf-revoked', { subject: `${O}/CN=revoked.test`, issuer: 'inter', ext: leafExt('DNS:revoked.test') });

// Broken intermediates.
issue('inter-expired', { subject: `${O}/CN=Expired Intermediate`, issuer: 'root', ext: CA, dates: EXPIRED });
issue('leaf-u-expired', { subject: `${O}/CN=uexp.test`, issuer: 'inter-expired', ext: leafExt('DNS:uexp.test') });
issue('inter-notca', {
  subject: `${O}/CN=Not A CA`,
  issuer: 'root',
  ext: `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyCertSign\n${SKI}`,
});
issue('leaf-u-notca', { subject: `${O}/CN=unotca.test`, issuer: 'inter-notca', ext: leafExt('DNS:unotca.test') });
issue('inter-nobc', { subject: `${O}/CN=No Basic Constraints`, issuer: 'root', ext: SKI });
issue('leaf-u-nobc', { subject: `${O}/CN=unobc.test`, issuer: 'inter-nobc', ext: leafExt('DNS:unobc.test') });
issue('inter-nocertsign', {
  subject: `${O}/CN=No Cert Sign`,
  issuer: 'root',
  ext: `basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,cRLSign\n${SKI}`,
});
issue('leaf-u-nocertsign', {
  subject: `${O}/CN=unocertsign.test`,
  issuer: 'inter-nocertsign',
  ext: leafExt('DNS:unocertsign.test'),
});
issue('inter-pl0', {
  subject: `${O}/CN=Path Length Zero`,
  issuer: 'root',
  ext: `basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n${SKI}`,
});
issue('inter-pl0-sub', { subject: `${O}/CN=Below Path Length Zero`, issuer: 'inter-pl0', ext: CA });
issue('leaf-pl0', { subject: `${O}/CN=pl0.test`, issuer: 'inter-pl0', ext: leafExt('DNS:pl0.test') });
issue('leaf-pl0-deep', { subject: `${O}/CN=pl0deep.test`, issuer: 'inter-pl0-sub', ext: leafExt('DNS:pl0deep.test') });
issue('inter-ekuclient', {
  subject: `${O}/CN=Client Only CA`,
  issuer: 'root',
  ext: `${CA}\nextendedKeyUsage=clientAuth`,
});
issue('leaf-u-ekuclient', {
  subject: `${O}/CN=uekuclient.test`,
  issuer: 'inter-ekuclient',
  ext: leafExt('DNS:uekuclient.test'),
});

// Name constraints.
issue('nc-dns', {
  subject: `${O}/CN=DNS Constrained CA`,
  issuer: 'root',
  ext: `${CA}\nnameConstraints=critical,permitted;DNS:allowed.test,excluded;DNS:bad.allowed.test`,
});
issue('nc-dns-ok', { subject: `${O}/CN=www.allowed.test`, issuer: 'nc-dns', ext: leafExt('DNS:www.allowed.test') });
issue('nc-dns-out', { subject: `${O}/CN=evil.test`, issuer: 'nc-dns', ext: leafExt('DNS:evil.test') });
issue('nc-dns-excl', { subject: `${O}/CN=bad.allowed.test`, issuer: 'nc-dns', ext: leafExt('DNS:bad.allowed.test') });
issue('nc-ip', {
  subject: `${O}/CN=IP Constrained CA`,
  issuer: 'root',
  ext: `${CA}\nnameConstraints=critical,permitted;IP:10.0.0.0/255.0.0.0,excluded;IP:10.66.0.0/255.255.0.0`,
});
issue('nc-ip-ok', { subject: `${O}/CN=10.9.9.9`, issuer: 'nc-ip', ext: leafExt('IP:10.9.9.9') });
issue('nc-ip-out', { subject: `${O}/CN=192.168.1.1`, issuer: 'nc-ip', ext: leafExt('IP:192.168.1.1') });
issue('nc-ip-excl', { subject: `${O}/CN=10.66.1.1`, issuer: 'nc-ip', ext: leafExt('IP:10.66.1.1') });
issue('nc-email', {
  subject: `${O}/CN=Email Constrained CA`,
  issuer: 'root',
  ext: `${CA}\nnameConstraints=critical,permitted;email:allowed.test,excluded;email:boss@allowed.test`,
});
issue('nc-email-ok', { subject: O, issuer: 'nc-email', ext: leafExt('email:me@allowed.test', '') });
issue('nc-email-out', { subject: O, issuer: 'nc-email', ext: leafExt('email:me@evil.test', '') });
issue('nc-email-excl', {
  subject: O,
  issuer: 'nc-email',
  ext: leafExt('email:boss@allowed.test', ''),
});
issue('nc-dir', {
  subject: `${O}/CN=Directory Constrained CA`,
  issuer: 'root',
  ext: `${CA}\nnameConstraints=critical,permitted;dirName:dir_ok,excluded;dirName:dir_bad\n[dir_ok]\nO=Good Org\n[dir_bad]\nO=Good Org\nOU=Banned`,
});
issue('nc-dir-ok', { subject: '/O=Good Org/OU=Dir OK', issuer: 'nc-dir', ext: leafExt('', '') });
issue('nc-dir-out', { subject: '/O=Bad Org/OU=Dir Out', issuer: 'nc-dir', ext: leafExt('', '') });
issue('nc-dir-excl', { subject: '/O=Good Org/OU=Banned', issuer: 'nc-dir', ext: leafExt('', '') });

// Cross-signing: one intermediate key certified by root (A), by root2 (B) and by root2 but expired (C).
issue('xinter-a', { subject: `${O}/CN=Cross Intermediate`, issuer: 'root', ext: CA });
issue('xinter-b', { subject: `${O}/CN=Cross Intermediate`, issuer: 'root2', ext: CA, keyFrom: 'xinter-a' });
issue('xinter-c', {
  subject: `${O}/CN=Cross Intermediate`,
  issuer: 'root2',
  ext: CA,
  keyFrom: 'xinter-a',
  dates: EXPIRED,
});
issue('leaf-x', { subject: `${O}/CN=cross.test`, issuer: 'xinter-a', ext: leafExt('DNS:cross.test') });

// A loop: Loop A is certified by Loop B's key and Loop B by Loop A's.
issue('loop-b-seed', { subject: `${O}/CN=Loop B`, ext: CA });
issue('loop-a', { subject: `${O}/CN=Loop A`, issuer: 'loop-b-seed', ext: CA });
issue('loop-b', { subject: `${O}/CN=Loop B`, issuer: 'loop-a', ext: CA, keyFrom: 'loop-b-seed' });
issue('leaf-loop', { subject: `${O}/CN=loop.test`, issuer: 'loop-a', ext: leafExt('DNS:loop.test') });

// Policies.
const P1 = '1.3.6.1.4.1.55555.10';
const P2 = '1.3.6.1.4.1.55555.20';
issue('pol-ca', {
  subject: `${O}/CN=Policy CA`,
  issuer: 'root',
  ext: `${CA}\ncertificatePolicies=${P1}\npolicyConstraints=critical,requireExplicitPolicy:0`,
});
issue('pol-ok', { subject: `${O}/CN=polok.test`, issuer: 'pol-ca', ext: leafExt('DNS:polok.test', 'serverAuth', `certificatePolicies=${P1}`) });
issue('pol-none', { subject: `${O}/CN=polnone.test`, issuer: 'pol-ca', ext: leafExt('DNS:polnone.test') });
issue('pol-other', {
  subject: `${O}/CN=polother.test`,
  issuer: 'pol-ca',
  ext: leafExt('DNS:polother.test', 'serverAuth', `certificatePolicies=${P2}`),
});
issue('polany-ca', {
  subject: `${O}/CN=Any Policy CA`,
  issuer: 'root',
  ext: `${CA}\ncertificatePolicies=2.5.29.32.0\npolicyConstraints=critical,requireExplicitPolicy:0\ninhibitAnyPolicy=0`,
});
issue('polany-specific', {
  subject: `${O}/CN=polspecific.test`,
  issuer: 'polany-ca',
  ext: leafExt('DNS:polspecific.test', 'serverAuth', `certificatePolicies=${P1}`),
});
issue('polany-any', {
  subject: `${O}/CN=polany.test`,
  issuer: 'polany-ca',
  ext: leafExt('DNS:polany.test', 'serverAuth', 'certificatePolicies=2.5.29.32.0'),
});

// Other algorithms.
issue('rsa-root', { subject: `${O}/CN=RSA Root`, ext: CA, key: 'rsa' });
issue('rsa-inter', { subject: `${O}/CN=RSA Intermediate`, issuer: 'rsa-root', ext: CA, key: 'rsa' });
issue('rsa-leaf', { subject: `${O}/CN=rsa.test`, issuer: 'rsa-inter', ext: leafExt('DNS:rsa.test'), key: 'rsa' });
issue('rsa-pss-leaf', {
  subject: `${O}/CN=pss.test`,
  issuer: 'rsa-inter',
  ext: leafExt('DNS:pss.test'),
  sigopt: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:32'],
  md: 'sha256',
});
issue('rsa-leaf-md5', { subject: `${O}/CN=md5.test`, issuer: 'rsa-inter', ext: leafExt('DNS:md5.test'), md: 'md5' });
issue('ed-root', { subject: `${O}/CN=Ed25519 Root`, ext: CA, key: 'ed25519' });
issue('ed-leaf', { subject: `${O}/CN=ed.test`, issuer: 'ed-root', ext: leafExt('DNS:ed.test') });
// A leaf whose signature does not verify: one bit of its signature flipped.
{
  const pem = readFileSync(join(OUT, 'certs', 'leaf.pem'), 'utf8');
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  der[der.length - 5] ^= 0x01;
  const body = der.toString('base64').match(/.{1,64}/g).join('\n');
  writeFileSync(join(OUT, 'certs', 'leaf-badsig.pem'), `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`);
}

// CRL issuers: a CA without cRLSign, and an impostor with the intermediate's name but another key.
issue('inter-nocrlsign', {
  subject: `${O}/CN=No CRL Sign`,
  issuer: 'root',
  ext: `basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n${SKI}`,
});
issue('leaf-u-nocrlsign', { subject: `${O}/CN=unocrlsign.test`, issuer: 'inter-nocrlsign', ext: leafExt('DNS:unocrlsign.test') });
issue('inter-revoked', { subject: `${O}/CN=Revoked Intermediate`, issuer: 'root', ext: CA });
issue('leaf-u-revoked', { subject: `${O}/CN=urevoked.test`, issuer: 'inter-revoked', ext: leafExt('DNS:urevoked.test') });
issue('impostor', { subject: `${O}/CN=Corpus Intermediate`, ext: CA });

crl('crl-root', 'root', { revoke: ['inter-revoked'] });
crl('crl-inter', 'inter', { revoke: ['leaf-revoked'] });
crl('crl-inter-expired', 'inter', { last: '20260101000000Z', next: '20260201000000Z' });
crl('crl-inter-future', 'inter', { last: '20270101000000Z', next: '20270201000000Z' });
crl('crl-impostor', 'impostor', { akid: false });
crl('crl-other', 'other-root');
crl('crl-nocrlsign', 'inter-nocrlsign');
crl('crl-inter-revoked', 'inter-revoked');

bundle('chain', ['certs/inter.pem']);
bundle('chain-pl0', ['certs/inter-pl0.pem', 'certs/inter-pl0-sub.pem']);
bundle('chain-deep', ['certs/inter.pem', 'certs/inter2.pem']);
bundle('chain-deep-reversed', ['certs/inter2.pem', 'certs/inter.pem']);
bundle('chain-extra', ['certs/other-root.pem', 'certs/leaf-client.pem', 'certs/inter2.pem', 'certs/root2.pem', 'certs/inter.pem']);
bundle('roots-both', ['certs/root.pem', 'certs/root2.pem']);
bundle('cross-a-first', ['certs/xinter-a.pem', 'certs/xinter-b.pem']);
bundle('cross-b-first', ['certs/xinter-b.pem', 'certs/xinter-a.pem']);
bundle('cross-expired-first', ['certs/xinter-c.pem', 'certs/xinter-a.pem']);
bundle('loop', ['certs/loop-a.pem', 'certs/loop-b.pem']);
bundle('root-with-crl', ['certs/root.pem', 'crls/crl-root.pem']);
bundle('crls-all', ['crls/crl-root.pem', 'crls/crl-inter.pem']);
bundle('crls-revoked-inter', ['crls/crl-root.pem', 'crls/crl-inter-revoked.pem']);

// RFC 7919 ffdhe2048 written as PKCS#3 DH parameters, for parseDhParameters.
writeFileSync(
  join(OUT, 'dhparam-ffdhe2048.pem'),
  openssl(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'dh_param:ffdhe2048']),
);

// ---- the cases -------------------------------------------------------------------------------
const cases = [];
/**
 * A case: `args` for verify (paths relative to this directory; -attime is added), our expected
 * output `ours` ('OK' or a reason), OpenSSL's expected X509_V_ERR code (0 for OK), and a note when
 * the two differ.
 */
function add(name, rule, args, ours, opensslCode, note) {
  cases.push({
    name,
    rule,
    args: ['-attime', String(ATTIME), ...args],
    ours,
    openssl: opensslCode,
    ...(note === undefined ? {} : { note }),
  });
}
const c = (name) => `certs/${name}.pem`;
const b = (name) => `bundles/${name}.pem`;
const r = (name) => `crls/${name}.pem`;
const ROOT = ['-CAfile', c('root')];
const VIA_INTER = [...ROOT, '-untrusted', b('chain')];

add('valid chain', 'chain', [...VIA_INTER, c('leaf')], 'OK', 0);
add('missing intermediate', 'chain', [...ROOT, c('leaf')], 'unknown_ca', 20);
add('wrong root', 'chain', ['-CAfile', c('other-root'), '-untrusted', b('chain'), c('leaf')], 'unknown_ca', 20);
add('bad leaf signature', 'signature', [...VIA_INTER, c('leaf-badsig')], 'invalid_signature', 7);
add('RSA-2048 chain', 'signature', ['-CAfile', c('rsa-root'), '-untrusted', c('rsa-inter'), c('rsa-leaf')], 'OK', 0);
add('RSA-PSS signed leaf', 'signature', ['-CAfile', c('rsa-root'), '-untrusted', c('rsa-inter'), c('rsa-pss-leaf')], 'OK', 0);
add('Ed25519 root', 'signature', ['-CAfile', c('ed-root'), c('ed-leaf')], 'OK', 0);
add(
  'SHA-1 signature refused by default',
  'sha1',
  [...VIA_INTER, c('leaf-sha1')],
  'insecure_signature_algorithm',
  0,
  'openssl verify applies no security level to signatures unless -auth_level is given; we refuse SHA-1 unless allowed',
);
add('SHA-1 signature at -auth_level 1', 'sha1', [...VIA_INTER, '-auth_level', '1', c('leaf-sha1')], 'insecure_signature_algorithm', 68);
add('SHA-1 signature allowed at -auth_level 0', 'sha1', [...VIA_INTER, '-auth_level', '0', c('leaf-sha1')], 'OK', 0);
const RSA = ['-CAfile', c('rsa-root'), '-untrusted', c('rsa-inter')];
add(
  'MD5 signature refused by default',
  'md5',
  [...RSA, c('rsa-leaf-md5')],
  'insecure_signature_algorithm',
  0,
  'openssl verify applies no security level to signatures unless -auth_level is given; MD5 is never accepted by default here',
);
add('MD5 signature at -auth_level 1', 'md5', [...RSA, '-auth_level', '1', c('rsa-leaf-md5')], 'insecure_signature_algorithm', 68);
add(
  'MD5 signature at -auth_level 0',
  'md5',
  [...RSA, '-auth_level', '0', c('rsa-leaf-md5')],
  'insecure_signature_algorithm',
  0,
  'security level 0 lets OpenSSL accept MD5; we map -auth_level 0 to allowSha1 only, MD5 needs the allowMd5 API option',
);

add('expired leaf', 'validity', [...VIA_INTER, c('leaf-expired')], 'cert_expired', 10);
add('leaf not yet valid', 'validity', [...VIA_INTER, c('leaf-notyet')], 'cert_not_yet_valid', 9);
add('expired intermediate', 'validity', [...ROOT, '-untrusted', c('inter-expired'), c('leaf-u-expired')], 'cert_expired', 10);

add('issuer with CA:FALSE', 'basicConstraints', [...ROOT, '-untrusted', c('inter-notca'), c('leaf-u-notca')], 'missing_basic_constraint', 79);
add('issuer without basicConstraints', 'basicConstraints', [...ROOT, '-untrusted', c('inter-nobc'), c('leaf-u-nobc')], 'missing_basic_constraint', 79);
add('pathlen 0 with a leaf below', 'pathLen', [...ROOT, '-untrusted', c('inter-pl0'), c('leaf-pl0')], 'OK', 0);
add(
  'pathlen 0 with a CA below',
  'pathLen',
  [...ROOT, '-untrusted', b('chain-pl0'), c('leaf-pl0-deep')],
  'max_path_length_reached',
  25,
);
add('issuer without keyCertSign', 'keyUsage', [...ROOT, '-untrusted', c('inter-nocertsign'), c('leaf-u-nocertsign')], 'invalid_key_usage', 79);
add('leaf key usage not for TLS', 'keyUsage', [...VIA_INTER, '-purpose', 'sslserver', c('leaf-ku-bad')], 'invalid_key_usage', 26);
add('leaf key usage without -purpose', 'keyUsage', [...VIA_INTER, c('leaf-ku-bad')], 'OK', 0);

add('serverAuth leaf as server', 'EKU', [...VIA_INTER, '-purpose', 'sslserver', c('leaf')], 'OK', 0);
add('serverAuth leaf as client', 'EKU', [...VIA_INTER, '-purpose', 'sslclient', c('leaf')], 'invalid_ext_key_usage', 26);
add('clientAuth leaf as client', 'EKU', [...VIA_INTER, '-purpose', 'sslclient', c('leaf-client')], 'OK', 0);
add('clientAuth leaf as server', 'EKU', [...VIA_INTER, '-purpose', 'sslserver', c('leaf-client')], 'invalid_ext_key_usage', 26);
add('both EKUs as client', 'EKU', [...VIA_INTER, '-purpose', 'sslclient', c('leaf-both')], 'OK', 0);
add(
  'no EKU as server',
  'EKU',
  [...VIA_INTER, '-purpose', 'sslserver', c('leaf-noeku')],
  'invalid_ext_key_usage',
  0,
  'CABF 7.1.2.7.6: a subscriber certificate names its purpose in extendedKeyUsage (webpki, our default); RFC 5280 §4.2.1.12 and OpenSSL treat a missing EKU as any purpose',
);
add(
  'clientAuth-only CA above a server leaf',
  'EKU',
  [...ROOT, '-untrusted', c('inter-ekuclient'), '-purpose', 'sslserver', c('leaf-u-ekuclient')],
  'invalid_ext_key_usage',
  26,
);

const NC = (ca) => [...ROOT, '-untrusted', c(ca)];
add('DNS name inside permitted subtree', 'nameConstraints', [...NC('nc-dns'), c('nc-dns-ok')], 'OK', 0);
add('DNS name outside permitted subtree', 'nameConstraints', [...NC('nc-dns'), c('nc-dns-out')], 'name_not_permitted', 47);
add('DNS name in excluded subtree', 'nameConstraints', [...NC('nc-dns'), c('nc-dns-excl')], 'name_not_permitted', 48);
add('IP inside permitted range', 'nameConstraints', [...NC('nc-ip'), c('nc-ip-ok')], 'OK', 0);
add('IP outside permitted range', 'nameConstraints', [...NC('nc-ip'), c('nc-ip-out')], 'name_not_permitted', 47);
add('IP in excluded range', 'nameConstraints', [...NC('nc-ip'), c('nc-ip-excl')], 'name_not_permitted', 48);
add('email inside permitted domain', 'nameConstraints', [...NC('nc-email'), c('nc-email-ok')], 'OK', 0);
add('email outside permitted domain', 'nameConstraints', [...NC('nc-email'), c('nc-email-out')], 'name_not_permitted', 47);
add('email excluded mailbox', 'nameConstraints', [...NC('nc-email'), c('nc-email-excl')], 'name_not_permitted', 48);
add('dirName inside permitted subtree', 'nameConstraints', [...NC('nc-dir'), c('nc-dir-ok')], 'OK', 0);
add('dirName outside permitted subtree', 'nameConstraints', [...NC('nc-dir'), c('nc-dir-out')], 'name_not_permitted', 47);
add('dirName in excluded subtree', 'nameConstraints', [...NC('nc-dir'), c('nc-dir-excl')], 'name_not_permitted', 48);

add('unknown critical extension', 'extensions', [...VIA_INTER, c('leaf-critext')], 'unknown_critical_extension', 34);
add('unknown non-critical extension', 'extensions', [...VIA_INTER, c('leaf-noncritext')], 'OK', 0);

add('self-signed peer not trusted', 'selfsigned', [...ROOT, c('self')], 'selfsigned_peer', 18);
add('self-signed peer trusted', 'selfsigned', ['-CAfile', c('self'), c('self')], 'OK', 0);

add('depth 0 with one intermediate', 'depth', [...VIA_INTER, '-verify_depth', '0', c('leaf')], 'chain_too_long', 22);
add('depth 1 with one intermediate', 'depth', [...VIA_INTER, '-verify_depth', '1', c('leaf')], 'OK', 0);
add('depth 1 with two intermediates', 'depth', [...ROOT, '-untrusted', b('chain-deep'), '-verify_depth', '1', c('leaf-deep')], 'chain_too_long', 22);
add('depth 2 with two intermediates', 'depth', [...ROOT, '-untrusted', b('chain-deep'), '-verify_depth', '2', c('leaf-deep')], 'OK', 0);

add('intermediate as anchor without -partial_chain', 'partial_chain', ['-CAfile', c('inter'), c('leaf')], 'unknown_ca', 2);
add('intermediate as anchor with -partial_chain', 'partial_chain', ['-CAfile', c('inter'), '-partial_chain', c('leaf')], 'OK', 0);

const HOST = (name) => [...VIA_INTER, '-verify_hostname', name, c('leaf')];
add('hostname exact', 'hostname', HOST('good.test'), 'OK', 0);
add('hostname case-insensitive', 'hostname', HOST('GOOD.Test'), 'OK', 0);
add('hostname mismatch', 'hostname', HOST('bad.test'), 'hostname_check_failed', 62);
add('wildcard one label', 'hostname', HOST('a.wild.test'), 'OK', 0);
add('wildcard never two labels', 'hostname', HOST('a.b.wild.test'), 'hostname_check_failed', 62);
add('wildcard never the bare domain', 'hostname', HOST('wild.test'), 'hostname_check_failed', 62);
add('IDNA A-label exact', 'hostname', HOST('xn--bcher-kva.test'), 'OK', 0);
add('IDNA A-label under a whole-label wildcard', 'hostname', HOST('xn--bcher-kva.idn.test'), 'OK', 0);
add('IP address match', 'hostname', [...VIA_INTER, '-verify_ip', '10.1.2.3', c('leaf')], 'OK', 0);
add('IP address mismatch', 'hostname', [...VIA_INTER, '-verify_ip', '10.1.2.4', c('leaf')], 'hostname_check_failed', 64);
add('IPv6 address match', 'hostname', [...VIA_INTER, '-verify_ip', '2001:db8:0::1', c('leaf')], 'OK', 0);
add(
  'CN used when there is no SAN',
  'hostname',
  [...VIA_INTER, '-verify_hostname', 'cnonly.test', c('leaf-cnonly')],
  'invalid_common_name',
  0,
  'RFC 9525 §6.3 and CABF 7.1.4.3: the CN is never a host name and must repeat a SAN value (webpki); OpenSSL still falls back to the CN when there is no SAN',
);
add(
  'CN ignored when SANs exist',
  'hostname',
  [...VIA_INTER, '-verify_hostname', 'critext.test.invalid', c('leaf-noncritext')],
  'hostname_check_failed',
  62,
);

const CRL = (...files) => files.flatMap((file) => ['-CRLfile', file]);
add('CRL: leaf not revoked', 'crl', [...VIA_INTER, '-crl_check', ...CRL(r('crl-inter')), c('leaf')], 'OK', 0);
add('CRL: leaf revoked', 'crl', [...VIA_INTER, '-crl_check', ...CRL(r('crl-inter')), c('leaf-revoked')], 'cert_revoked', 23);
add('CRL: none available', 'crl', [...VIA_INTER, '-crl_check', c('leaf')], 'unable_to_get_crl', 3);
add('CRL: expired', 'crl', [...VIA_INTER, '-crl_check', ...CRL(r('crl-inter-expired')), c('leaf')], 'crl_expired', 12);
add('CRL: not yet valid', 'crl', [...VIA_INTER, '-crl_check', ...CRL(r('crl-inter-future')), c('leaf')], 'crl_not_yet_valid', 11);
add(
  'CRL: signed by an impostor with the issuer name',
  'crl',
  [...VIA_INTER, '-crl_check', ...CRL(r('crl-impostor')), c('leaf')],
  'crl_signature_failure',
  8,
);
add('CRL: from another issuer only', 'crl', [...VIA_INTER, '-crl_check', ...CRL(r('crl-other')), c('leaf')], 'unable_to_get_crl', 3);
add(
  'CRL: issuer without cRLSign',
  'crl',
  [...ROOT, '-untrusted', c('inter-nocrlsign'), '-crl_check', ...CRL(r('crl-nocrlsign')), c('leaf-u-nocrlsign')],
  'invalid_key_usage',
  35,
);
add('CRL: whole chain, root CRL missing', 'crl', [...VIA_INTER, '-crl_check_all', ...CRL(r('crl-inter')), c('leaf')], 'unable_to_get_crl', 3);
add('CRL: whole chain, all CRLs', 'crl', [...VIA_INTER, '-crl_check_all', ...CRL(b('crls-all')), c('leaf')], 'OK', 0);
add(
  'CRL: whole chain, revoked intermediate',
  'crl',
  [...ROOT, '-untrusted', c('inter-revoked'), '-crl_check_all', ...CRL(b('crls-revoked-inter')), c('leaf-u-revoked')],
  'cert_revoked',
  23,
);
add(
  'CRL: leaf only, revoked intermediate not checked',
  'crl',
  [...ROOT, '-untrusted', c('inter-revoked'), '-crl_check', ...CRL(b('crls-revoked-inter')), c('leaf-u-revoked')],
  'OK',
  0,
);
add(
  'CRL: found in the -CAfile',
  'crl',
  ['-CAfile', b('root-with-crl'), '-untrusted', c('inter-revoked'), '-crl_check_all', ...CRL(r('crl-inter-revoked')), c('leaf-u-revoked')],
  'cert_revoked',
  23,
);

add(
  'cross-signed: dead-end issuer listed first',
  'cross',
  ['-CAfile', c('root2'), '-untrusted', b('cross-a-first'), c('leaf-x')],
  'OK',
  20,
  'OpenSSL takes the first untrusted issuer and does not go back to try the cross-certificate from root2; RFC 4158 path building (and we) try the next candidate',
);
add('cross-signed: good issuer listed first', 'cross', ['-CAfile', c('root2'), '-untrusted', b('cross-b-first'), c('leaf-x')], 'OK', 0);
add(
  'cross-signed: expired cross-certificate listed first',
  'cross',
  ['-CAfile', b('roots-both'), '-untrusted', b('cross-expired-first'), c('leaf-x')],
  'OK',
  0,
);
add('cross-signed: only the expired path', 'cross', ['-CAfile', c('root2'), '-untrusted', c('xinter-c'), c('leaf-x')], 'cert_expired', 10);
add('out-of-order intermediates', 'order', [...ROOT, '-untrusted', b('chain-deep-reversed'), c('leaf-deep')], 'OK', 0);
add('extra unrelated certificates', 'order', [...ROOT, '-untrusted', b('chain-extra'), c('leaf-deep')], 'OK', 0);
add('loop in the peer list', 'loop', [...ROOT, '-untrusted', b('loop'), c('leaf-loop')], 'unknown_ca', 20);

// openssl verify starts from an empty user-initial-policy-set unless -policy is given; RFC 5280's
// default is {anyPolicy}, so every policy case passes -policy 2.5.29.32.0 to both verifiers.
const ANY = ['-policy', '2.5.29.32.0'];
const POL = (ca) => [...ROOT, '-untrusted', c(ca), '-policy_check', ...ANY];
add('policy: required and present', 'policy', [...POL('pol-ca'), c('pol-ok')], 'OK', 0);
add('policy: required, leaf has none', 'policy', [...POL('pol-ca'), c('pol-none')], 'policy_error', 43);
add('policy: required, leaf has another', 'policy', [...POL('pol-ca'), c('pol-other')], 'policy_error', 43);
add('policy: anyPolicy CA, specific leaf', 'policy', [...POL('polany-ca'), c('polany-specific')], 'OK', 0);
add('policy: inhibitAnyPolicy refuses anyPolicy leaf', 'policy', [...POL('polany-ca'), c('polany-any')], 'policy_error', 43);
add(
  'policy: required, leaf has none, no -policy_check',
  'policy',
  [...ROOT, '-untrusted', c('pol-ca'), c('pol-none')],
  'policy_error',
  0,
  'openssl verify evaluates policies only with -policy_check (or -explicit_policy etc.); RFC 5280 §6.1 always applies them, and so do we',
);
add('policy: -explicit_policy with a policy-free chain', 'policy', [...VIA_INTER, '-explicit_policy', ...ANY, c('leaf')], 'policy_error', 43);
add('policy: leaf policy outside -policy set', 'policy', [...ROOT, '-untrusted', c('pol-ca'), '-policy_check', '-policy', '1.3.6.1.4.1.55555.30', c('pol-ok')], 'policy_error', 43);

// The rule corpus of issue #14: expected answers of openssl verify -x509_strict and certtool --verify
// are recorded from the real tools, and every disagreement with ours must carry its reason.
const rules = ruleCorpus({ issue, crl, bundle, KEYS, O, CA, SKI, leafExt, c, b, r, editor: makeEditor({ OUT, work }) });
for (const rule of rules) cases.push(judge(rule, { OUT, ATTIME }));
if (unexplained.length > 0) throw new Error(`disagreements without a recorded reason:\n${unexplained.join('\n')}`);

const ocspCount = makeOcsp({ OUT, work, issue, leafExt, O });
console.log(`${ocspCount} OCSP cases written to ${join(OUT, 'ocsp', 'ocsp.json')}`);

writeFileSync(join(OUT, 'cases.json'), `${JSON.stringify({ attime: ATTIME, cases }, null, 1)}\n`);
rmSync(WORK, { recursive: true, force: true });
console.log(`${cases.length} cases written to ${join(OUT, 'cases.json')}`);
