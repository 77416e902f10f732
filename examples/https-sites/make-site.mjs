#!/usr/bin/env node
/**
 * Creates `<sitesDir>/<name>/cert.pem` and `key.pem` with a self-signed certificate for `name`
 * (ECDSA P-256, CN and SAN = the name), so the example has sites to serve:
 * `node examples/https-sites/make-site.mjs examples/https-sites/sites alpha.localhost beta.localhost`.
 * Real deployments put their CA-issued certificate and key in the same two files instead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSelfSigned } from 'sslsocket';

/** Writes one site's certificate and key; returns the certificate PEM. */
export async function makeSite(sitesDir, name, options = {}) {
  const made = await generateSelfSigned({ commonName: name, days: options.days ?? 365 });
  const dir = join(sitesDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cert.pem'), made.certificatePem);
  writeFileSync(join(dir, 'key.pem'), made.keyPem, { mode: 0o600 });
  return made.certificatePem;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [sitesDir, ...names] = process.argv.slice(2);
  if (sitesDir === undefined || names.length === 0) {
    console.error('usage: make-site.mjs SITES_DIR NAME...');
    process.exitCode = 2;
  } else {
    for (const name of names) {
      await makeSite(sitesDir, name);
      console.log(`${join(sitesDir, name)}/cert.pem, key.pem`);
    }
  }
}
