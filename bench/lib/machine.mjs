// What the figures were measured on: CPU, cores, load, Node and OpenSSL versions.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';

function opensslCli() {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Machine facts; `nodePath` is the node binary the stacks ran on (it may differ from the driver's). */
export function machineInfo(nodePath) {
  const versions = JSON.parse(
    execFileSync(
      nodePath,
      ['-p', 'JSON.stringify({ node: process.version, openssl: process.versions.openssl, v8: process.versions.v8 })'],
      {
        encoding: 'utf8',
      },
    ),
  );
  const cpus = os.cpus();
  return {
    name: os.hostname().replace(/[^A-Za-z0-9.-]/g, '_'),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg(),
    node: versions.node,
    nodeOpenssl: versions.openssl,
    v8: versions.v8,
    opensslCli: opensslCli(),
  };
}
