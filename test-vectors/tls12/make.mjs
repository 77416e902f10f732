// Generates key-block.json: TLS 1.2 master secrets (RFC 5246 §8.1, RFC 7627 §4) and key blocks
// (RFC 5246 §6.3) computed with node:crypto's HMAC, independently of sslsocket's PRF.
// Run: node test-vectors/tls12/make.mjs
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';

function pHash(hash, secret, seed, length) {
  let a = seed;
  let out = Buffer.alloc(0);
  while (out.length < length) {
    a = createHmac(hash, secret).update(a).digest();
    out = Buffer.concat([out, createHmac(hash, secret).update(a).update(seed).digest()]);
  }
  return out.subarray(0, length);
}

const prf = (hash, secret, label, seed, length) => pHash(hash, secret, Buffer.concat([Buffer.from(label), seed]), length);
const fill = (n, start) => Buffer.from(Array.from({ length: n }, (_, i) => (start + i * 7) & 0xff));

const premaster = fill(48, 3);
const clientRandom = fill(32, 11);
const serverRandom = fill(32, 101);
const transcript = Buffer.from('ClientHello ServerHello Certificate ServerKeyExchange ServerHelloDone ClientKeyExchange');
const suites = [
  // name, prf hash, MAC key, key, fixed IV
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'sha256', 0, 16, 4],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'sha384', 0, 32, 4],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'sha256', 0, 32, 12],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'sha384', 48, 32, 0],
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'sha256', 20, 16, 0],
];
const vectors = suites.map(([suite, hash, mac, key, iv]) => {
  const sessionHash = createHash(hash).update(transcript).digest();
  const master = prf(hash, premaster, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
  const extendedMaster = prf(hash, premaster, 'extended master secret', sessionHash, 48);
  const length = 2 * (mac + key + iv);
  const keyBlock = prf(hash, master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), length);
  const verifyData = prf(hash, master, 'client finished', sessionHash, 12);
  return {
    suite,
    premaster: premaster.toString('hex'),
    clientRandom: clientRandom.toString('hex'),
    serverRandom: serverRandom.toString('hex'),
    sessionHash: sessionHash.toString('hex'),
    masterSecret: master.toString('hex'),
    extendedMasterSecret: extendedMaster.toString('hex'),
    keyBlock: keyBlock.toString('hex'),
    clientFinished: verifyData.toString('hex'),
  };
});
writeFileSync(new URL('./key-block.json', import.meta.url), `${JSON.stringify({ source: 'node:crypto HMAC, make.mjs', vectors }, null, 2)}\n`);
