// RFC 7250 raw public keys on the command line (-enable_server_rpk, -enable_client_rpk,
// -expected-rpks, as OpenSSL 3.2+ spells them) against GnuTLS's gnutls-serv and gnutls-cli.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, freePort, input, ourServer, until, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';

const hasGnutls = (() => {
  try {
    execFileSync('gnutls-serv', ['--version'], { stdio: 'ignore' });
    execFileSync('gnutls-cli', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const ws = new Workspace('rpk-cli-');
const pub = ws.path('pub.pem');
const otherPub = ws.path('other.pub.pem');
const children: ChildProcess[] = [];
const PRIORITY = 'NORMAL:-VERS-ALL:+VERS-TLS1.3:+CTYPE-SRV-RAWPK:+CTYPE-CLI-RAWPK';

function run(command: string, args: string[], stdin?: string): ChildProcess & { output: () => string } {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  if (stdin !== undefined) child.stdin?.write(stdin);
  return Object.assign(child, { output: () => output });
}

async function gnutlsServer(): Promise<number> {
  const port = await freePort();
  const server = run('gnutls-serv', [
    ...['--port', String(port), '--rawpkkeyfile', ws.key, '--rawpkfile', pub, '--echo', '--priority', PRIORITY],
  ]);
  await until(() => server.output().includes(`port ${port}...done`), 10000);
  return port;
}

beforeAll(() => {
  if (!hasGnutls) return;
  ws.makeCertificate();
  execFileSync('openssl', ['pkey', '-in', ws.key, '-pubout', '-out', pub]);
  const otherKey = ws.path('other.key');
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', otherKey]);
  execFileSync('openssl', ['pkey', '-in', otherKey, '-pubout', '-out', otherPub]);
});
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  ws.dispose();
});

describe.runIf(hasGnutls)('raw public key flags against GnuTLS', () => {
  it('s_client -enable_server_rpk -expected-rpks against gnutls-serv --rawpkfile: verified, data echoed', async () => {
    const port = await gnutlsServer();
    const { io, streams } = capture();
    const args = ['-connect', `127.0.0.1:${port}`, '-enable_server_rpk', '-expected-rpks', pub, '-verify_return_error'];
    expect(await runSClient(args, streams, input('hello rpk\n', 300))).toBe(0);
    expect(io.err).toContain('Protocol: TLSv1.3');
    expect(io.err).toContain('Verify: OK');
    expect(io.out).toContain('hello rpk');
  });

  it('a key outside -expected-rpks is reported (error 95), and fatal with -verify_return_error', async () => {
    const port = await gnutlsServer();
    const reported = capture();
    const args = ['-connect', `127.0.0.1:${port}`, '-enable_server_rpk', '-expected-rpks', otherPub];
    expect(await runSClient(args, reported.streams, input('x\n', 300))).toBe(0);
    expect(reported.io.err).toContain('Verify: rpk_untrusted');
    const enforced = capture();
    expect(await runSClient([...args, '-verify_return_error'], enforced.streams, input(''))).toBe(1);
    expect(enforced.io.err).toMatch(/bad_certificate/);
  });

  it('s_server -enable_server_rpk -enable_client_rpk -expected-rpks serves gnutls-cli with raw keys both ways', async () => {
    const server = await ourServer([
      ...['-cert', ws.cert, '-key', ws.key, '-enable_server_rpk', '-enable_client_rpk'],
      ...['-expected-rpks', pub, '-Verify', '1', '-naccept', '1'],
    ]);
    const client = run(
      'gnutls-cli',
      [
        ...['--port', String(server.port), '127.0.0.1', '--insecure', '--priority', PRIORITY],
        ...['--rawpkkeyfile', ws.key, '--rawpkfile', pub],
      ],
      'hello from gnutls\n',
    );
    await until(() => server.out().includes('hello from gnutls'), 10000);
    expect(client.output()).toContain('Certificate type: Raw Public Key');
    expect(server.out()).toContain('hello from gnutls');
    client.kill('SIGKILL');
    await server.serving;
  });
});
