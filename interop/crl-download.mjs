// CRLs from distribution points: a CA made with `openssl ca` at run time, its CRL served by a local
// node:http server, and our `sslsocket verify -crl_check -crl_download` giving the same verdict as
// `openssl verify -crl_check -crl_download` on the same files.
import { closingServer, makeCrlPki, opensslVerdict, serveFiles } from './crl-pki.mjs';

/**
 * Leaves and the verdict both tools must reach: OpenSSL's X509_V_ERR code and our reason
 * (`verify-codes.ts` maps cert_revoked to 23, unable_to_get_crl to 3).
 */
const SCENARIOS = [
  { leaf: 'good', openssl: 0, ours: 'OK' },
  { leaf: 'revoked', openssl: 23, ours: 'error: cert_revoked' },
  { leaf: 'unreachable', openssl: 3, ours: 'error: unable_to_get_crl' },
  { leaf: 'missing', openssl: 3, ours: 'error: unable_to_get_crl' },
];

/**
 * The interop case. `env.verifyCli(argv)` runs `sslsocket verify` with those arguments and resolves
 * to its first stdout line.
 */
export function crlDownloadCases() {
  return [
    {
      name: 'crl download: verify -crl_check -crl_download matches openssl (good, revoked, unreachable, 404)',
      run: async (env) => {
        const http = await serveFiles();
        const closed = await closingServer();
        let pki;
        try {
          pki = await makeCrlPki(
            {
              good: http.url('/ca.crl'),
              revoked: http.url('/ca.crl'),
              unreachable: closed.url('/ca.crl'),
              missing: http.url('/missing.crl'),
            },
            ['revoked'],
          );
          http.files.set('/ca.crl', pki.crl);
          // The leaves run side by side: each is an openssl and a node process, slow on a loaded machine.
          const wrong = (
            await Promise.all(
              SCENARIOS.map(async (s) => {
                const [theirs, ours] = await Promise.all([
                  opensslVerdict(pki, s.leaf),
                  env.verifyCli([
                    '-crl_check',
                    '-crl_download',
                    '-CAfile',
                    pki.path('ca.pem'),
                    pki.path(`${s.leaf}.pem`),
                  ]),
                ]);
                return theirs === s.openssl && ours === s.ours
                  ? undefined
                  : `${s.leaf}: openssl ${theirs} (want ${s.openssl}), ours "${ours}" (want "${s.ours}")`;
              }),
            )
          ).filter((line) => line !== undefined);
          if (wrong.length > 0) throw new Error(wrong.join('; '));
          // Both downloaded the CRL: it was really fetched over HTTP, not found elsewhere.
          if ((http.hits.get('/ca.crl') ?? 0) < 4) throw new Error(`CRL fetched ${http.hits.get('/ca.crl')} times`);
        } finally {
          pki?.remove();
          await http.close();
          await closed.close();
        }
      },
    },
  ];
}
