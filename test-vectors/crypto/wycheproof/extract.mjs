// Picks the subset of Wycheproof (C2SP/wycheproof, testvectors_v1) that sslsocket's providers are
// tested on and writes it here as data. Run by hand with the directory of a Wycheproof checkout:
//   node test-vectors/crypto/wycheproof/extract.mjs <wycheproof>/testvectors_v1
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const source = process.argv[2];
if (source === undefined) throw new Error('usage: extract.mjs <wycheproof testvectors_v1 dir>');
const load = (name) => JSON.parse(readFileSync(join(source, `${name}.json`), 'utf8'));
const pick = (tests, count) => {
  // Every invalid case first (they are the interesting ones), then valid ones, up to `count`.
  const invalid = tests.filter((t) => t.result !== 'valid');
  const valid = tests.filter((t) => t.result === 'valid');
  return [...invalid.slice(0, Math.ceil(count / 2)), ...valid].slice(0, count);
};
const strip = ({ tcId, comment, result, ...rest }) => ({ tcId, comment, result, ...rest });
const out = {};

for (const [name, keySizes, tagSizes] of [
  ['aes_gcm_test', [128, 256], [128]],
  ['chacha20_poly1305_test', [256], [128]],
  ['aes_ccm_test', [128, 256], [128, 64]],
]) {
  const groups = load(name).testGroups.filter((g) => g.ivSize === 96 && keySizes.includes(g.keySize) && tagSizes.includes(g.tagSize));
  out[name] = groups.map((g) => ({ keySize: g.keySize, tagSize: g.tagSize, tests: pick(g.tests, 24).map(({ flags, ...t }) => strip(t)) }));
}
out.x25519_test = pick(load('x25519_test').testGroups[0].tests, 40).map(({ flags, ...t }) => strip(t));
const ecdsa = load('ecdsa_secp256r1_sha256_test').testGroups;
out.ecdsa_secp256r1_sha256_test = ecdsa.slice(0, 3).map((g) => ({
  publicKey: g.publicKey.uncompressed,
  tests: pick(g.tests, 30).map(({ flags, ...t }) => strip(t)),
}));
const ed = load('ed25519_test').testGroups;
out.ed25519_test = ed.slice(0, 3).map((g) => ({ publicKey: g.publicKey.pk, tests: pick(g.tests, 20).map(({ flags, ...t }) => strip(t)) }));
const pss = load('rsa_pss_2048_sha256_mgf1_32_test').testGroups;
out.rsa_pss_2048_sha256_mgf1_32_test = pss.slice(0, 1).map((g) => ({
  n: g.publicKey.modulus,
  e: g.publicKey.publicExponent,
  tests: pick(g.tests, 30).map(({ flags, ...t }) => strip(t)),
}));
const pkcs1 = load('rsa_signature_2048_sha256_test').testGroups;
out.rsa_signature_2048_sha256_test = pkcs1.slice(0, 1).map((g) => ({
  n: Buffer.from(g.keyJwk.n, 'base64url').toString('hex'),
  e: Buffer.from(g.keyJwk.e, 'base64url').toString('hex'),
  tests: pick(g.tests, 30).map(({ flags, ...t }) => strip(t)),
}));
writeFileSync(new URL('./subset.json', import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
console.log(Object.entries(out).map(([k, v]) => `${k}: ${JSON.stringify(v).length} bytes`).join('\n'));
