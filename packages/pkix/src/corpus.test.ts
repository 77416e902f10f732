import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePem, parseCrl, type VerifyChainOptions, verifyChain } from './index.js';

// Every rule case of test-vectors/pkix/cases.json (named <rfc-or-profile>::<rule>) straight through
// verifyChain; packages/cli runs the same cases through `sslsocket verify`, openssl and certtool.
const corpus = new URL('../../../test-vectors/pkix/', import.meta.url);
const { cases } = JSON.parse(readFileSync(new URL('cases.json', corpus), 'utf8')) as {
  cases: { name: string; args: string[]; ours: string }[];
};
const blocks = (file: string) => decodePem(readFileSync(new URL(file, corpus), 'utf8'));
const certs = (file: string) =>
  blocks(file)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.der);

/** The verify arguments the rule cases use, as verifyChain options. */
function optionsOf(args: readonly string[]): { chain: Uint8Array[]; options: VerifyChainOptions } {
  let roots: Uint8Array[] = [];
  const untrusted: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  const extra: Record<string, unknown> = {};
  let leaf: Uint8Array[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, value] = [args[i] as string, args[i + 1] as string];
    if (flag === '-x509_strict') continue;
    if (!flag.startsWith('-')) leaf = certs(flag);
    else if (flag === '-crl_check') extra.crlCheck = 'peer';
    else {
      i++;
      if (flag === '-attime') extra.time = new Date(Number(value) * 1000);
      else if (flag === '-CAfile') roots = certs(value);
      else if (flag === '-untrusted') untrusted.push(...certs(value));
      else if (flag === '-CRLfile') crls.push(...blocks(value).map((b) => b.der));
      else if (flag === '-purpose') extra.purpose = value;
      else if (flag === '-verify_hostname') extra.hostname = value;
      else if (flag === '-verify_ip') extra.ip = value;
      else if (flag === '-profile') extra.profile = value;
      else throw new Error(`flag ${flag} not mapped`);
    }
  }
  return { chain: leaf, options: { roots, untrusted, crls: crls.map((der) => parseCrl(der)), ...extra } };
}

describe('rule corpus through verifyChain', () => {
  const rules = cases.filter((c) => c.name.includes('::'));
  it('has at least 150 rule cases', () => expect(rules.length).toBeGreaterThanOrEqual(150));
  for (const c of rules) {
    it(c.name, async () => {
      const { chain, options } = optionsOf(c.args);
      const outcome = await verifyChain(chain, options).then(
        () => 'OK',
        (error: { reason?: string }) => error.reason ?? String(error),
      );
      expect(outcome).toBe(c.ours);
    });
  }
});
