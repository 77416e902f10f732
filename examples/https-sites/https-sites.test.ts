import { execFile } from 'node:child_process';
import { constants } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite } from './make-site.mjs';
import { ConfigError, configFrom, startSites } from './sites-server.mjs';

interface Sites {
  httpsPort: number;
  httpPort: number | null;
  sites: string[];
  counters: { connections: number; resumed: number; handshakeFailures: number };
  close(): Promise<void>;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  certificate: PeerCertificate;
}

const dir = mkdtempSync(join(tmpdir(), 'https-sites-'));
const sitesDir = join(dir, 'sites');
const certs: Record<string, string> = {};
let server: Sites;
let strict: Sites;
let noCache: Sites;

/** GET over HTTPS with `name` as SNI and Host, trusting only `ca` (or nothing, checked by hand). */
function get(port: number, name: string, options: { ca?: string; agent?: https.Agent; host?: string } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        servername: name,
        headers: { host: options.host ?? name, connection: 'close' },
        agent: options.agent ?? false,
        ...(options.ca === undefined ? { rejectUnauthorized: false } : { ca: options.ca }),
      },
      (response) => {
        const certificate = (response.socket as TLSSocket).getPeerCertificate();
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, certificate }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function plainGet(port: number, host: string, path: string) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
      response.resume();
      resolve(response);
    });
    request.on('error', reject);
  });
}

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', args, { timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  for (const name of ['alpha.test', 'beta.test']) certs[name] = await makeSite(sitesDir, name);
  server = (await startSites(configFrom({ httpsPort: 0, httpPort: 0, sitesDir }, dir))) as Sites;
  // A second instance: permanent redirects, and sessions that expire at once.
  strict = (await startSites(
    configFrom({ httpsPort: 0, httpPort: 0, sitesDir, permanentRedirect: true, sessionLifetime: 0 }, dir),
  )) as Sites;
  // A third: a server session cache of size 0 (TLS 1.2 session ids are never remembered).
  noCache = (await startSites(
    configFrom({ httpsPort: 0, httpPort: null, sitesDir, sessionCacheServerMax: 0 }, dir),
  )) as Sites;
});

afterAll(async () => {
  await server?.close();
  await strict?.close();
  await noCache?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('https-sites with node https', () => {
  it('finds the sites on disk', () => {
    expect(server.sites.sort()).toEqual(['alpha.test', 'beta.test']);
  });

  it('serves each site with its own certificate, chosen by SNI', async () => {
    for (const name of ['alpha.test', 'beta.test']) {
      // Trusting only this site's certificate: the handshake succeeds only if it is the one sent.
      const reply = await get(server.httpsPort, name, { ca: certs[name] as string });
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(`Hello from ${name}\n`);
      expect(reply.certificate.subject.CN).toBe(name);
      expect(reply.certificate.subjectaltname).toContain(`DNS:${name}`);
      expect(reply.headers['x-site']).toBe(name);
      expect(reply.headers['x-tls-sni']).toBe(name);
    }
    // alpha's certificate does not verify beta.test's connection.
    await expect(get(server.httpsPort, 'beta.test', { ca: certs['alpha.test'] as string })).rejects.toThrow();
  });

  it('answers an unknown name with a generated self-signed certificate for that name', async () => {
    const reply = await get(server.httpsPort, 'gamma.test');
    expect(reply.status).toBe(404);
    expect(reply.headers['x-site']).toBe('unknown');
    expect(reply.certificate.subject.CN).toBe('gamma.test');
    expect(reply.certificate.issuer.CN).toBe('gamma.test');
    const known = [certs['alpha.test'], certs['beta.test']];
    expect(known.some((pem) => pem?.includes(reply.certificate.raw.toString('base64').slice(0, 60)))).toBe(false);
  });

  it('refuses a request whose Host is not the SNI name (421)', async () => {
    const reply = await get(server.httpsPort, 'alpha.test', { ca: certs['alpha.test'] as string, host: 'beta.test' });
    expect(reply.status).toBe(421);
  });

  it('resumes the session on the next connection (TLS 1.3 and TLS 1.2)', async () => {
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const agent = new https.Agent({ keepAlive: false, maxCachedSessions: 10, maxVersion });
      const ca = certs['alpha.test'] as string;
      const first = await get(server.httpsPort, 'alpha.test', { ca, agent });
      const before = server.counters.resumed;
      const second = await get(server.httpsPort, 'alpha.test', { ca, agent });
      expect(first.headers['x-tls-protocol']).toBe(maxVersion === 'TLSv1.3' ? 'tlsv1.3' : 'tlsv1.2');
      expect(first.headers['x-tls-resumed']).toBe('no');
      expect(second.headers['x-tls-resumed']).toBe('yes');
      expect(server.counters.resumed).toBe(before + 1);
      agent.destroy();
    }
  });

  it('honours the configured session lifetime: 0 seconds means no resumption', async () => {
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const agent = new https.Agent({ keepAlive: false, maxCachedSessions: 10, maxVersion });
      const ca = certs['alpha.test'] as string;
      await get(strict.httpsPort, 'alpha.test', { ca, agent });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const second = await get(strict.httpsPort, 'alpha.test', { ca, agent });
      expect(second.status).toBe(200);
      expect(second.headers['x-tls-resumed']).toBe('no');
      agent.destroy();
    }
  });

  it('sizes the TLS 1.2 session-id cache from the config (a client without tickets)', async () => {
    // SSL_OP_NO_TICKET: the client asks for no RFC 5077 ticket, so only the server's cache can resume it.
    const resumedOn = async (sites: Sites) => {
      const agent = new https.Agent({
        keepAlive: false,
        maxCachedSessions: 10,
        maxVersion: 'TLSv1.2',
        secureOptions: constants.SSL_OP_NO_TICKET,
      });
      const ca = certs['alpha.test'] as string;
      await get(sites.httpsPort, 'alpha.test', { ca, agent });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const second = await get(sites.httpsPort, 'alpha.test', { ca, agent });
      agent.destroy();
      expect(second.headers['x-tls-protocol']).toBe('tlsv1.2');
      return second.headers['x-tls-resumed'];
    };
    expect(await resumedOn(server)).toBe('yes');
    expect(await resumedOn(strict)).toBe('no'); // sessionLifetime: 0
    expect(await resumedOn(noCache)).toBe('no'); // sessionCacheServerMax: 0
  });

  it('redirects plain HTTP to HTTPS: 302 by default, 301 with permanentRedirect', async () => {
    const temporary = await plainGet(server.httpPort as number, 'alpha.test:80', '/docs?page=2');
    expect(temporary.statusCode).toBe(302);
    expect(temporary.headers.location).toBe(`https://alpha.test:${server.httpsPort}/docs?page=2`);
    const permanent = await plainGet(strict.httpPort as number, 'beta.test', '/');
    expect(permanent.statusCode).toBe(301);
    expect(permanent.headers.location).toBe(`https://beta.test:${strict.httpsPort}/`);
  });
});

describe('https-sites with curl', () => {
  const resolve = (name: string, port: number) => ['--resolve', `${name}:${port}:127.0.0.1`];

  it('verifies each site against its own certificate and shows its subject', async () => {
    for (const name of ['alpha.test', 'beta.test']) {
      const port = server.httpsPort;
      const result = await curl([
        '-sS',
        '-v',
        '--cacert',
        join(sitesDir, name, 'cert.pem'),
        ...resolve(name, port),
        `https://${name}:${port}/`,
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`Hello from ${name}\n`);
      expect(result.stderr).toMatch(new RegExp(`subject: CN\\s?=\\s?${name.replace('.', '\\.')}`));
    }
  });

  it('gets the generated certificate for an unknown name', async () => {
    const port = server.httpsPort;
    const strictResult = await curl([
      '-sS',
      '--cacert',
      join(sitesDir, 'alpha.test', 'cert.pem'),
      ...resolve('nobody.test', port),
      `https://nobody.test:${port}/`,
    ]);
    expect(strictResult.code).toBe(60); // curl: peer certificate cannot be authenticated
    const result = await curl(['-sS', '-v', '-k', ...resolve('nobody.test', port), `https://nobody.test:${port}/`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/subject: CN\s?=\s?nobody\.test/);
  });

  it('resumes: the second of two connections in one curl run is resumed', async () => {
    const port = server.httpsPort;
    const url = `https://alpha.test:${port}/`;
    const result = await curl([
      '-sS',
      '-D',
      '-',
      '-o',
      '/dev/null',
      '-o',
      '/dev/null',
      '-H',
      'Connection: close',
      '--cacert',
      join(sitesDir, 'alpha.test', 'cert.pem'),
      ...resolve('alpha.test', port),
      url,
      url,
    ]);
    expect(result.code).toBe(0);
    const resumed = [...result.stdout.matchAll(/^x-tls-resumed: (\w+)/gim)].map((match) => match[1]);
    expect(resumed).toEqual(['no', 'yes']);
  });

  it('follows the redirect codes', async () => {
    for (const [sites, code] of [
      [server, '302'],
      [strict, '301'],
    ] as const) {
      const result = await curl([
        '-sS',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code} %{redirect_url}',
        ...resolve('alpha.test', sites.httpPort as number),
        `http://alpha.test:${sites.httpPort}/x`,
      ]);
      expect(result.stdout).toBe(`${code} https://alpha.test:${sites.httpsPort}/x`);
    }
  });
});

describe('https-sites config', () => {
  it('rejects unknown settings and wrong types with the setting named', () => {
    expect(() => configFrom({ httpsport: 1 })).toThrow(ConfigError);
    expect(() => configFrom({ httpsport: 1 })).toThrow(/unknown setting 'httpsport'/);
    expect(() => configFrom({ sessionLifetime: -1 })).toThrow(/'sessionLifetime' must be a count/);
    expect(() => configFrom({ permanentRedirect: 'yes' })).toThrow(/'permanentRedirect' must be a boolean/);
    expect(configFrom({}, '/srv').sitesDir).toBe('/srv/sites');
  });
});
