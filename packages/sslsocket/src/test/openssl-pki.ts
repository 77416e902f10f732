// Test support (not shipped): a scratch PKI made by the openssl command (a CA, a localhost leaf, a
// client certificate, OCSP responses for the leaf: good and revoked) and openssl processes that are
// always killed.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until `done()` holds (checking every 20 ms); throws after `ms`. */
export async function until(done: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; waited < ms && !done(); waited += 20) await new Promise((r) => setTimeout(r, 20));
  if (!done()) throw new Error('timed out waiting');
}

export type OpensslProcess = ChildProcess & { output: () => string };

export class OpensslPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'sslsocket-pki-'));
  private readonly children: ChildProcess[] = [];

  file(name: string): string {
    return join(this.dir, name);
  }

  pem(name: string): string {
    return readFileSync(this.file(name), 'utf8');
  }

  /** Runs openssl in the scratch directory; returns its standard output. */
  run(args: string[]): string {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  }

  /**
   * ca.pem/key, leaf.pem/key (CN and SAN localhost), client.pem/key (CN "pha client"), and OCSP
   * responses for the leaf signed by the CA: resp.der (good) and revoked.der (revoked).
   */
  make(): void {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    this.run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=test ca', '-days', '2']);
    // Leaves as the pkix profile wants them: a SAN, digitalSignature, the extended key usage.
    for (const [name, cn, usage] of [
      ['leaf', 'localhost', 'serverAuth'],
      ['client', 'pha client', 'clientAuth'],
    ] as const) {
      const ext = ['subjectAltName=DNS:localhost', 'keyUsage=critical,digitalSignature', `extendedKeyUsage=${usage}`];
      writeFileSync(this.file(`${name}.ext`), `${ext.join('\n')}\n`);
      this.run(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
      const sign = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`];
      this.run(['x509', '-req', '-in', `${name}.csr`, '-out', `${name}.pem`, ...sign]);
    }
    const serial = this.run(['x509', '-in', 'leaf.pem', '-noout', '-serial']).trim().split('=')[1];
    this.run(['ocsp', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-reqout', 'req.der']);
    const responder = ['ocsp', '-rsigner', 'ca.pem', '-rkey', 'ca.key', '-CA', 'ca.pem', '-reqin', 'req.der'];
    for (const [out, line] of [
      ['resp.der', `V\t301231000000Z\t\t${serial}\tunknown\t/CN=localhost`],
      ['revoked.der', `R\t301231000000Z\t240101000000Z\t${serial}\tunknown\t/CN=localhost`],
    ] as const) {
      writeFileSync(this.file('index.txt'), `${line}\n`);
      this.run([...responder, '-index', 'index.txt', '-respout', out, '-ndays', '1']);
    }
  }

  /** Spawns openssl with stdin open; `output()` is everything it printed so far. */
  spawn(args: string[]): OpensslProcess {
    const child = spawn('openssl', args, { cwd: this.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.push(child);
    let output = '';
    const keep = (d: Buffer) => {
      output += d.toString();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return Object.assign(child, { output: () => output });
  }

  /** `openssl s_server` on a free port, once it says ACCEPT. */
  async server(args: string[]): Promise<{ port: number; child: OpensslProcess }> {
    const port = await freePort();
    const child = this.spawn(['s_server', '-accept', String(port), ...args]);
    await until(() => child.output().includes('ACCEPT'));
    return { port, child };
  }

  dispose(): void {
    for (const child of this.children) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
