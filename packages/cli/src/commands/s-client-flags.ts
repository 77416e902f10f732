import type { FlagSpec } from '../args.js';
import { DTLS_FLAGS } from './dtls.js';
import { RPK_FLAGS } from './rpk-flags.js';
import { STARTTLS_PROTOCOLS } from './starttls.js';
import { COMMON_TLS_FLAGS } from './tls-flags.js';

/** The flags that make s_client a stand-in for openssl s_client in scripts (issue #20). */
function OPENSSL_OUTPUT_FLAGS(): FlagSpec[] {
  return [
    { name: 'showcerts', help: 'print every certificate the server sent as PEM (stdout)' },
    { name: 'CApath', value: 'DIR', help: 'trusted roots: every PEM certificate in DIR' },
    { name: 'verify', value: 'N', help: 'verification depth: at most N intermediates' },
    { name: 'msg', help: 'print each TLS record sent and received (stdout)' },
    { name: 'trace', help: 'like -msg, with whole records in hex' },
    { name: 'starttls', value: 'PROTO', help: `plaintext upgrade first: ${STARTTLS_PROTOCOLS.join(', ')}` },
    { name: 'name', value: 'HOST', help: "-starttls: our name in SMTP's EHLO and XMPP's to= (default: the host)" },
  ];
}

/** Every flag s_client accepts: its own, OpenSSL's output flags, then the shared TLS, DTLS and RPK ones. */
export const FLAGS: FlagSpec[] = [
  { name: 'connect', value: 'HOST:PORT', help: 'where to connect (default localhost:4433)' },
  { name: 'servername', value: 'NAME', help: 'SNI name (default: the -connect host)' },
  { name: 'noservername', help: 'send no SNI' },
  { name: 'verify_return_error', help: 'abort when the server certificate does not verify' },
  {
    name: 'verify_hostname',
    value: 'NAME',
    help: 'check the certificate against NAME (unchecked otherwise, as in OpenSSL)',
  },
  { name: 'sess_out', value: 'FILE', help: 'save the session for resumption (PEM SSL SESSION PARAMETERS, as OpenSSL)' },
  { name: 'sess_in', value: 'FILE', help: 'resume a saved session (ours or openssl s_client -sess_out)' },
  {
    name: 'brief',
    help: "print OpenSSL's brief summary (stderr) instead of the full report; the session then runs as usual",
  },
  { name: 'early_data', value: 'FILE', help: 'TLS 1.3 0-RTT: send FILE as early data (needs -sess_in)' },
  { name: 'reconnect', help: 'after the first handshake, reconnect 5 times resuming its session' },
  ...OPENSSL_OUTPUT_FLAGS(),
  { name: 'enable_pha', help: 'TLS 1.3: offer post-handshake authentication (send -cert when asked)' },
  { name: 'status', help: 'ask for an OCSP staple (status_request) and report it' },
  ...COMMON_TLS_FLAGS,
  ...DTLS_FLAGS,
  ...RPK_FLAGS,
];

/** The usage line of `s_client -help`. */
export const USAGE = 'sslsocket s_client -connect HOST:PORT [options]';
/** The examples `s_client -help` prints. */
export const EXAMPLES = [
  'sslsocket s_client -connect example.com:443 -CAfile /etc/ssl/certs/ca-certificates.crt',
  'sslsocket s_client -connect example.com:443 -showcerts </dev/null 2>/dev/null | openssl x509 -noout -enddate',
  'sslsocket s_client -connect mail.example.com:25 -starttls smtp -brief </dev/null',
  'echo hello | sslsocket s_client -connect 127.0.0.1:4433 -CAfile ca.pem -servername localhost -quiet',
];
