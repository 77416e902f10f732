// Rule corpus, second part: keys, name constraints, identity, extensions, CRLs and path building.
// Called by make-rules.mjs with make.mjs's helpers and the case constructors.

export function identityAndConstraintRules(h, t) {
  const { issue, crl, bundle, O, CA, SKI, leafExt, c, b, r, editor } = h;
  const { add, both, webOnly, leaf, rootWith, RFC, ROOT, VIA, SERVER, WEBPKI_NOTE } = t;

  // Keys (CABF 6.1.5; RFC 5480 curves)
  const RSA = ['-CAfile', c('rsa-root'), '-untrusted', c('rsa-inter')];
  for (const bits of [1024, 2040, 2052, 2056]) {
    issue(`r-rsa${bits}`, { subject: `${O}/CN=rsa${bits}.test`, issuer: 'rsa-inter', ext: leafExt(`DNS:rsa${bits}.test`), key: `rsa${bits}` });
  }
  webOnly('rsa-1024-leaf', 'keys', [...RSA, c('r-rsa1024')], 'weak_key', {
    openssl: 'CABF 6.1.5: RSA keys of at least 2048 bits; openssl verify applies no key size limit without -auth_level',
    gnutls: 'CABF 6.1.5: RSA keys of at least 2048 bits; certtool without --verify-profile accepts 1024',
  });
  webOnly('rsa-2040-leaf', 'keys', [...RSA, c('r-rsa2040')], 'weak_key');
  webOnly('rsa-2052-not-multiple-of-8', 'keys', [...RSA, c('r-rsa2052')], 'weak_key');
  both('rsa-2056-leaf', 'keys', [...RSA, c('r-rsa2056')], 'OK');
  issue('rsa-weak-root', { subject: `${O}/CN=Weak RSA Root`, ext: CA, key: 'rsa1024' });
  issue('r-under-weak-root', { subject: `${O}/CN=underweak.test`, issuer: 'rsa-weak-root', ext: leafExt('DNS:underweak.test') });
  webOnly('rsa-1024-root', 'keys', ['-CAfile', c('rsa-weak-root'), c('r-under-weak-root')], 'weak_key', {
    openssl: 'CABF 6.1.5 applies to every certificate of the path, the root included; openssl verify applies no key size limit',
    gnutls: 'CABF 6.1.5 applies to every certificate of the path, the root included',
  });
  leaf('r-k256', 'k256.test', leafExt('DNS:k256.test'), { key: 'k256' });
  both('ec-unsupported-curve', 'keys', [...VIA, c('r-k256')], 'unsupported_signature_algorithm', {
    openssl: 'secp256k1 is not a TLS certificate curve we implement (RFC 8422 §5.1.1); OpenSSL supports it',
    gnutls: 'secp256k1 is not a TLS certificate curve we implement (RFC 8422 §5.1.1)',
  });
  leaf('r-p384', 'p384.test', leafExt('DNS:p384.test'), { key: 'p384' });
  both('ec-p384-leaf', 'keys', [...VIA, c('r-p384')], 'OK');

  // Name constraints (RFC 5280 §4.2.1.10)
  const ncCa = (name, constraint) => issue(name, { subject: `${O}/CN=${name}`, issuer: 'root', ext: `${CA}\n${constraint}` });
  const under = (name, ca, subject, ext) => issue(name, { subject: `${O}${subject}`, issuer: ca, ext });
  const NC = (ca, leafName) => [...ROOT, '-untrusted', c(ca), c(leafName)];
  leaf('r-nc-in-leaf', 'ncleaf.test', leafExt('DNS:ncleaf.test', 'serverAuth', 'nameConstraints=critical,permitted;DNS:ncleaf.test'));
  both('name-constraints-in-end-entity', 'nameConstraints', [...VIA, c('r-nc-in-leaf')], 'invalid_name_constraints', {
    openssl: 'RFC 5280 §4.2.1.10: nameConstraints MUST be used only in a CA certificate; OpenSSL ignores it in a leaf',
    gnutls: 'RFC 5280 §4.2.1.10: nameConstraints MUST be used only in a CA certificate',
  });
  ncCa('r-nc-empty', 'nameConstraints=critical,DER:3000');
  under('r-under-nc-empty', 'r-nc-empty', '/CN=ncempty.test', leafExt('DNS:ncempty.test'));
  both('name-constraints-empty', 'nameConstraints', NC('r-nc-empty', 'r-under-nc-empty'), 'invalid_name_constraints', {
    openssl: 'RFC 5280 §4.2.1.10: either permittedSubtrees or excludedSubtrees MUST be present',
    gnutls: 'RFC 5280 §4.2.1.10: either permittedSubtrees or excludedSubtrees MUST be present',
  });
  ncCa('r-nc-empty-permitted', 'nameConstraints=critical,DER:3002A000');
  under('r-under-nc-empty-permitted', 'r-nc-empty-permitted', '/CN=ncemptyp.test', leafExt('DNS:ncemptyp.test'));
  both('name-constraints-empty-subtree-sequence', 'nameConstraints', NC('r-nc-empty-permitted', 'r-under-nc-empty-permitted'), 'invalid_name_constraints', {
    openssl: 'RFC 5280 §4.2.1.10: GeneralSubtrees is SIZE (1..MAX)',
    gnutls: 'RFC 5280 §4.2.1.10: GeneralSubtrees is SIZE (1..MAX)',
  });
  ncCa('r-nc-othername', 'nameConstraints=critical,excluded;otherName:1.3.6.1.4.1.311.20.2.3;UTF8:x@corp.test');
  under('r-nc-othername-has', 'r-nc-othername', '/CN=othername.test', leafExt('DNS:othername.test,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:me@corp.test'));
  under('r-nc-othername-none', 'r-nc-othername', '/CN=noothername.test', leafExt('DNS:noothername.test'));
  both('excluded-othername-uncheckable', 'nameConstraints', NC('r-nc-othername', 'r-nc-othername-has'), 'name_not_permitted', {
    openssl: 'RFC 5280 §4.2.1.10: a name form the verifier cannot check under an excluded subtree of that form must reject; OpenSSL compares otherName bytes',
    gnutls: 'RFC 5280 §4.2.1.10: a name form the verifier cannot check under an excluded subtree of that form must reject',
  });
  both('excluded-othername-leaf-without-one', 'nameConstraints', NC('r-nc-othername', 'r-nc-othername-none'), 'OK');
  ncCa('r-nc-dot', 'nameConstraints=critical,permitted;DNS:.dot.test');
  under('r-under-nc-dot', 'r-nc-dot', '/CN=www.dot.test', leafExt('DNS:www.dot.test'));
  both('dns-constraint-leading-period', 'nameConstraints', NC('r-nc-dot', 'r-under-nc-dot'), 'invalid_name_constraints', {
    openssl: 'RFC 5280 §4.2.1.10: a dNSName constraint is a host name (host.example.com); the leading period is an rfc822Name/URI form. OpenSSL reads it as "subdomains only"',
    gnutls: 'RFC 5280 §4.2.1.10: a dNSName constraint is a host name; the leading period is an rfc822Name/URI form',
  });
  both('dns-constraint-valid', 'nameConstraints', NC('nc-dns', 'nc-dns-ok'), 'OK');
  // Wildcards as the set of names they match.
  ncCa('r-nc-wild', 'nameConstraints=critical,permitted;DNS:wild.test');
  ncCa('r-nc-wild-narrow', 'nameConstraints=critical,permitted;DNS:a.wild.test');
  ncCa('r-nc-wild-excl', 'nameConstraints=critical,permitted;DNS:wild.test,excluded;DNS:bad.wild.test');
  ncCa('r-nc-excl-only', 'nameConstraints=critical,excluded;DNS:other.test');
  for (const ca of ['r-nc-wild', 'r-nc-wild-narrow', 'r-nc-wild-excl', 'r-nc-excl-only'])
    under(`${ca}-leaf`, ca, '/CN=*.wild.test', leafExt('DNS:*.wild.test'));
  under('r-nc-excl-only-leaf2', 'r-nc-excl-only', '/CN=*.other.test', leafExt('DNS:*.other.test'));
  both('wildcard-inside-permitted', 'nameConstraints', NC('r-nc-wild', 'r-nc-wild-leaf'), 'OK');
  both('wildcard-reaches-outside-permitted', 'nameConstraints', NC('r-nc-wild-narrow', 'r-nc-wild-narrow-leaf'), 'name_not_permitted');
  both('wildcard-covers-excluded-subtree', 'nameConstraints', NC('r-nc-wild-excl', 'r-nc-wild-excl-leaf'), 'name_not_permitted', {
    openssl: 'RFC 5280 §4.2.1.10 with RFC 6125 §6.4.3: *.wild.test can name bad.wild.test, inside the excluded subtree; OpenSSL compares the literal text',
    gnutls: 'RFC 5280 §4.2.1.10 with RFC 6125 §6.4.3: *.wild.test can name bad.wild.test, inside the excluded subtree',
  });
  both('wildcard-beside-excluded-subtree', 'nameConstraints', NC('r-nc-excl-only', 'r-nc-excl-only-leaf'), 'OK');
  both('wildcard-under-excluded-subtree', 'nameConstraints', NC('r-nc-excl-only', 'r-nc-excl-only-leaf2'), 'name_not_permitted');
  // The subject's emailAddress is an rfc822Name (RFC 5280 §4.2.1.6); a leaf CN that is a DNS name is checked too.
  issue('r-subj-email-out', { subject: `${O}/emailAddress=me@evil.test`, issuer: 'nc-email', ext: leafExt('', '') });
  issue('r-subj-email-in', { subject: `${O}/emailAddress=me@allowed.test`, issuer: 'nc-email', ext: leafExt('', '') });
  both('subject-email-outside-permitted', 'nameConstraints', NC('nc-email', 'r-subj-email-out'), 'name_not_permitted');
  both('subject-email-inside-permitted', 'nameConstraints', NC('nc-email', 'r-subj-email-in'), 'OK');
  under('r-cn-dns-out', 'nc-dns', '/CN=www.evil.test', leafExt('', ''));
  under('r-cn-dns-in', 'nc-dns', '/CN=www.allowed.test', leafExt('', ''));
  const cnNote = {
    openssl: 'a leaf CN that is a DNS name is held to dNSName constraints (as Go and rustls-webpki do), so a legacy CN-reading client cannot be led outside them',
    gnutls: 'a leaf CN that is a DNS name is held to dNSName constraints (as Go and rustls-webpki do)',
  };
  add('rfc5280::cn-as-dns-outside-permitted', 'nameConstraints', [...RFC, ...NC('nc-dns', 'r-cn-dns-out')], 'name_not_permitted', cnNote);
  add('rfc5280::cn-as-dns-inside-permitted', 'nameConstraints', [...RFC, ...NC('nc-dns', 'r-cn-dns-in')], 'OK');
  add('webpki::cn-as-dns-without-san', 'nameConstraints', NC('nc-dns', 'r-cn-dns-in'), 'invalid_common_name', WEBPKI_NOTE);
  // The work bound: 600 excluded subtrees × 450 names is past 250 000 comparisons.
  const many = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join(',');
  ncCa('r-nc-big', `nameConstraints=critical,${many(600, (i) => `excluded;DNS:x${i}.big.test`)}`);
  under('r-nc-big-many', 'r-nc-big', '/CN=n0.ok.test', leafExt(many(450, (i) => `DNS:n${i}.ok.test`)));
  under('r-nc-big-few', 'r-nc-big', '/CN=n0.ok.test', leafExt(many(50, (i) => `DNS:n${i}.ok.test`)));
  const budgetNote = {
    openssl: 'name × constraint comparisons are bounded (250 000 by default, as Go and rustls-webpki); OpenSSL bounds them differently (by size of the name lists relative to the certificate)',
    gnutls: 'name × constraint comparisons are bounded (250 000 by default, as Go and rustls-webpki)',
  };
  both('name-constraints-work-bound', 'nameConstraints', NC('r-nc-big', 'r-nc-big-many'), 'name_constraints_too_complex', budgetNote);
  both('name-constraints-within-bound', 'nameConstraints', NC('r-nc-big', 'r-nc-big-few'), 'OK');

  // Identity (RFC 6125 / RFC 9525, CABF 7.1.4.3, 7.1.2.7.12)
  const HOST = (name, file, extra = []) => [...VIA, ...extra, '-verify_hostname', name, c(file)];
  const noCn = (name, san, extra = {}) => issue(name, { subject: O, issuer: 'inter', ext: leafExt(san), ...extra });
  add('rfc6125::cn-never-a-host-name', 'identity', [...RFC, ...HOST('cnonly.test', 'leaf-cnonly')], 'hostname_check_failed', {
    openssl: 'RFC 9525 §6.3 (and CABF): the subject CN is never a reference identity; OpenSSL falls back to the CN without SANs',
    gnutls: 'RFC 9525 §6.3: the subject CN is never a reference identity; GnuTLS falls back to the CN without SANs',
  });
  add('webpki::cn-not-in-san-without-san', 'identity', HOST('cnonly.test', 'leaf-cnonly'), 'invalid_common_name', WEBPKI_NOTE);
  leaf('r-cn-mismatch', 'other.test', leafExt('DNS:cnmismatch.test'));
  webOnly('cn-not-among-san-values', 'identity', [...VIA, c('r-cn-mismatch')], 'invalid_common_name');
  add('rfc6125::cn-ignored-when-san-present', 'identity', [...RFC, ...HOST('other.test', 'r-cn-mismatch')], 'hostname_check_failed');
  const never = {
    openssl: 'RFC 5280 §4.2.1.6 requires dNSName in preferred name syntax (LDH, RFC 1034 §3.5); OpenSSL compares the text as given',
    gnutls: 'RFC 5280 §4.2.1.6 requires dNSName in preferred name syntax (LDH, RFC 1034 §3.5); GnuTLS compares the text as given',
  };
  noCn('r-san-underscore', 'DNS:under_score.test');
  noCn('r-san-hyphen', 'DNS:-lead.test');
  noCn('r-san-emptylabel', 'DNS:a..test');
  noCn('r-san-ipdns', 'DNS:192.168.001.1');
  noCn('r-san-hexdns', 'DNS:www.0x7f');
  noCn('r-san-v6dns', 'DNS:2001:db8::5');
  both('dns-san-underscore-never-matches', 'identity', HOST('under_score.test', 'r-san-underscore'), 'hostname_check_failed', never);
  both('dns-san-leading-hyphen-never-matches', 'identity', HOST('-lead.test', 'r-san-hyphen'), 'hostname_check_failed', never);
  both('dns-san-empty-label-never-matches', 'identity', HOST('a..test', 'r-san-emptylabel'), 'hostname_check_failed', never);
  both('dns-san-spelled-ipv4-never-matches-dns', 'identity', HOST('192.168.001.1', 'r-san-ipdns'), 'hostname_check_failed', never);
  both('dns-san-spelled-ipv4-never-matches-ip', 'identity', [...VIA, '-verify_ip', '192.168.1.1', c('r-san-ipdns')], 'hostname_check_failed');
  both('dns-san-hex-label-never-matches', 'identity', HOST('www.0x7f', 'r-san-hexdns'), 'hostname_check_failed', never);
  both('dns-san-spelled-ipv6-never-matches-ip', 'identity', [...VIA, '-verify_ip', '2001:db8::5', c('r-san-v6dns')], 'hostname_check_failed');
  both('ip-san-matches-other-ipv6-spelling', 'identity', [...VIA, '-verify_ip', '2001:0db8:0000::0001', c('leaf')], 'OK');
  noCn('r-ip-only', 'IP:10.7.7.7');
  both('ip-san-never-matches-dns-reference', 'identity', HOST('seven.test', 'r-ip-only'), 'hostname_check_failed');
  both('ip-san-matches-ip-reference', 'identity', [...VIA, '-verify_ip', '10.7.7.7', c('r-ip-only')], 'OK');
  const psl = {
    openssl: 'RFC 6125 §7.2, CABF 3.2.2.6: a wildcard over a public suffix names every registrant; OpenSSL does not consult the Public Suffix List',
    gnutls: 'RFC 6125 §7.2, CABF 3.2.2.6: a wildcard over a public suffix names every registrant; GnuTLS does not consult the Public Suffix List',
  };
  noCn('r-wild-psl', 'DNS:*.co.uk');
  noCn('r-wild-private', 'DNS:*.s3.amazonaws.com');
  noCn('r-wild-reg', 'DNS:*.example.co.uk');
  both('wildcard-over-public-suffix', 'identity', HOST('example.co.uk', 'r-wild-psl'), 'hostname_check_failed', psl);
  both('wildcard-over-private-suffix', 'identity', HOST('bucket.s3.amazonaws.com', 'r-wild-private'), 'hostname_check_failed', psl);
  both('wildcard-below-registrable-domain', 'identity', HOST('www.example.co.uk', 'r-wild-reg'), 'OK');
  // SAN criticality (RFC 5280 §4.2.1.6, CABF 7.1.2.7.12)
  noCn('r-empty-subj-noncrit', 'DNS:emptysubj.test');
  editor.emptySubject('r-empty-subj-noncrit', 'inter');
  noCn('r-empty-subj-crit', 'critical,DNS:emptysubj.test');
  editor.emptySubject('r-empty-subj-crit', 'inter');
  both('empty-subject-san-not-critical', 'identity', [...VIA, c('r-empty-subj-noncrit')], 'invalid_extension', {
    gnutls: 'RFC 5280 §4.2.1.6: with an empty subject the subjectAltName MUST be critical; GnuTLS does not check',
  });
  both('empty-subject-san-critical', 'identity', HOST('emptysubj.test', 'r-empty-subj-crit'), 'OK');
  noCn('r-san-crit', 'critical,DNS:sancrit.test');
  webOnly('subject-with-critical-san', 'identity', HOST('sancrit.test', 'r-san-crit'), 'invalid_extension');
  leaf('r-san-truncated', 'x.test', leafExt('', 'serverAuth', '2.5.29.17=DER:30038201'));
  leaf('r-san-ip5', 'x.test', leafExt('', 'serverAuth', '2.5.29.17=DER:30078705010203040A'));
  both('san-does-not-decode', 'identity', [...VIA, c('r-san-truncated')], 'malformed_certificate');
  both('san-ip-of-five-octets', 'identity', [...VIA, c('r-san-ip5')], 'malformed_certificate', {
    openssl: 'RFC 5280 §4.2.1.6: an iPAddress is 4 (IPv4) or 16 (IPv6) octets; OpenSSL checks the length only when matching an IP',
    gnutls: 'RFC 5280 §4.2.1.6: an iPAddress is 4 (IPv4) or 16 (IPv6) octets; GnuTLS checks the length only when matching an IP',
  });

  // Extensions (RFC 5280 §4.2)
  leaf('r-dup-san', 'dupsan.test', leafExt('DNS:dupsan.test'));
  editor.duplicate('r-dup-san', 'inter', 'subjectAltName');
  both('duplicate-extension-leaf', 'extensions', [...VIA, c('r-dup-san')], 'duplicate_extension');
  leaf('r-dup-custom', 'dupcustom.test', leafExt('DNS:dupcustom.test', 'serverAuth', '1.3.6.1.4.1.55555.2=ASN1:NULL'));
  editor.duplicate('r-dup-custom', 'inter', '06092b0601040183b20302');
  both('duplicate-unknown-extension-leaf', 'extensions', [...VIA, c('r-dup-custom')], 'duplicate_extension', {
    openssl: 'RFC 5280 §4.2: a certificate MUST NOT include more than one instance of any extension; OpenSSL detects duplicates only among extensions it knows',
  });
  issue('r-dup-inter', { subject: `${O}/CN=Duplicate KU Intermediate`, issuer: 'root', ext: CA });
  editor.duplicate('r-dup-inter', 'root', 'keyUsage');
  issue('r-under-dup-inter', { subject: `${O}/CN=underdup.test`, issuer: 'r-dup-inter', ext: leafExt('DNS:underdup.test') });
  both('duplicate-extension-intermediate', 'extensions', [...ROOT, '-untrusted', c('r-dup-inter'), c('r-under-dup-inter')], 'duplicate_extension');
  issue('root-dup', { subject: `${O}/CN=Duplicate Root`, ext: CA });
  editor.duplicate('root-dup', 'root-dup', 'basicConstraints');
  issue('root-dup-leaf', { subject: `${O}/CN=root-dup.test`, issuer: 'root-dup', ext: leafExt('DNS:root-dup.test') });
  both('duplicate-extension-root', 'extensions', ['-CAfile', c('root-dup'), c('root-dup-leaf')], 'duplicate_extension');
  both('critical-unknown-extension-root', 'extensions', rootWith('root-critext', 'Root Critical Ext', `${CA}\n1.3.6.1.4.1.55555.1=critical,ASN1:NULL`), 'unknown_critical_extension');
  issue('r-inter-critext', { subject: `${O}/CN=Intermediate Critical Ext`, issuer: 'root', ext: `${CA}\n1.3.6.1.4.1.55555.1=critical,ASN1:NULL` });
  issue('r-under-critext', { subject: `${O}/CN=undercritext.test`, issuer: 'r-inter-critext', ext: leafExt('DNS:undercritext.test') });
  both('critical-unknown-extension-intermediate', 'extensions', [...ROOT, '-untrusted', c('r-inter-critext'), c('r-under-critext')], 'unknown_critical_extension');
  both('critical-unknown-extension-leaf', 'extensions', [...VIA, c('leaf-critext')], 'unknown_critical_extension');
  both('non-critical-unknown-extension-leaf', 'extensions', [...VIA, c('leaf-noncritext')], 'OK');

  // CRLs (RFC 5280 §5.2.3)
  crl('crl-inter-nonumber', 'inter', { numbering: 'none' });
  crl('crl-inter-critnumber', 'inter', { numbering: 'critical' });
  const crlNote = {
    openssl: 'RFC 5280 §5.2.3: conforming CRL issuers MUST include a non-critical cRLNumber; OpenSSL uses a CRL without one',
  };
  both('crl-without-crl-number', 'crl', [...VIA, '-crl_check', '-CRLfile', r('crl-inter-nonumber'), c('leaf')], 'revocation_status_undetermined', crlNote);
  both('crl-with-critical-crl-number', 'crl', [...VIA, '-crl_check', '-CRLfile', r('crl-inter-critnumber'), c('leaf')], 'revocation_status_undetermined', crlNote);
  both('crl-with-crl-number', 'crl', [...VIA, '-crl_check', '-CRLfile', r('crl-inter'), c('leaf')], 'OK');

  // Path building (RFC 4158): the builder tries alternatives before failing.
  bundle('root-before-inter', ['certs/root.pem', 'certs/inter.pem']);
  both('path-root-sent-before-intermediate', 'pathBuilding', [...ROOT, '-untrusted', b('root-before-inter'), c('leaf')], 'OK');
  both('path-intermediates-reversed', 'pathBuilding', [...ROOT, '-untrusted', b('chain-deep-reversed'), c('leaf-deep')], 'OK');
  both('path-extra-unrelated-certificates', 'pathBuilding', [...ROOT, '-untrusted', b('chain-extra'), c('leaf-deep')], 'OK');
  both('path-only-through-cross-certificate', 'pathBuilding', ['-CAfile', c('root2'), '-untrusted', b('cross-a-first'), c('leaf-x')], 'OK', {
    openssl: 'RFC 4158 §2.4: the builder backtracks to the cross-certificate from root2; OpenSSL takes the first issuer and stops',
    gnutls: 'RFC 4158 §2.4: the builder backtracks to the cross-certificate from root2; GnuTLS does not try the alternative either',
  });
}
