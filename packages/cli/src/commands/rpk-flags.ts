/**
 * RFC 7250 raw public key flags as OpenSSL 3.2+ spells them on s_client and s_server:
 * `-enable_server_rpk`, `-enable_client_rpk`, `-expected-rpks FILE`. Both enable flags keep X.509
 * as the fallback type, as OpenSSL does.
 * @module
 */
import type { CommonOptions } from 'sslsocket';
import { booleanFlag, type FlagSpec, type ParsedArgs, stringFlag } from '../args.js';
import { readPem } from './tls-flags.js';

export const RPK_FLAGS: FlagSpec[] = [
  {
    name: 'enable_server_rpk',
    help: "RFC 7250 (TLS 1.3): the server's raw public key (client: accept one; server: send ours, from -cert/-key)",
  },
  {
    name: 'enable_client_rpk',
    help: "RFC 7250 (TLS 1.3): the client's raw public key (client: send ours, from -cert/-key; server: accept one)",
  },
  { name: 'expected-rpks', value: 'FILE', help: 'trusted peer raw public keys (PEM PUBLIC KEY blocks)' },
];

const BOTH = ['raw_public_key', 'x509'] as const;

/** The raw public key options the flags ask for. */
export async function rpkOptions(args: ParsedArgs): Promise<Partial<CommonOptions>> {
  const expected = stringFlag(args, 'expected-rpks');
  return {
    ...(booleanFlag(args, 'enable_server_rpk') ? { serverCertificateTypes: BOTH } : {}),
    ...(booleanFlag(args, 'enable_client_rpk') ? { clientCertificateTypes: BOTH } : {}),
    ...(expected === undefined ? {} : { expectedRawPublicKeys: [await readPem(expected)] }),
  };
}
