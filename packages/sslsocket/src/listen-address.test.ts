import * as os from 'node:os';
import { generateSelfSigned } from '@sslsocket/pkix';
import { describe, expect, it } from 'vitest';
import { connect, listen, OptionError } from './index.js';

const UNSPECIFIED = ['::', '0.0.0.0'];

/** An IPv4 address of this host other than loopback, when it has one. */
function externalIpv4(): string | undefined {
  for (const list of Object.values(os.networkInterfaces()))
    for (const entry of list ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  return undefined;
}

describe('listen() binds like node and Erlang', () => {
  it('without host it binds every interface, and a client on 127.0.0.1 completes a handshake', async () => {
    const { certificatePem, keyPem } = await generateSelfSigned();
    const server = await listen(0, { cert: certificatePem, key: keyPem });
    try {
      expect(UNSPECIFIED).toContain(server.address.address);
      const accepted = server.accept();
      const client = await connect('127.0.0.1', server.address.port, { verify: 'verify_none' });
      const socket = await accepted;
      await client.send('hi');
      expect(new TextDecoder().decode(await socket.recv(0, 5000))).toBe('hi');
      await client.close();
      await socket.close();
    } finally {
      await server.close();
    }
  });

  it('host (or Erlang ip) binds that address only', async () => {
    const { certificatePem, keyPem } = await generateSelfSigned();
    for (const options of [{ host: '127.0.0.1' }, { ip: '127.0.0.1' }, { host: '127.0.0.1', ip: '127.0.0.1' }]) {
      const server = await listen(0, { ...options, cert: certificatePem, key: keyPem });
      expect(server.address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
      const external = externalIpv4();
      if (external !== undefined) {
        // Not reachable on another interface of this host.
        await expect(
          connect(external, server.address.port, { verify: 'verify_none', handshakeTimeoutMs: 2000 }),
        ).rejects.toThrow();
      }
      await server.close();
    }
  });

  it('host and ip that disagree are an OptionError', async () => {
    const { certificatePem, keyPem } = await generateSelfSigned();
    await expect(listen(0, { host: '127.0.0.1', ip: '::1', cert: certificatePem, key: keyPem })).rejects.toThrow(
      OptionError,
    );
  });
});
