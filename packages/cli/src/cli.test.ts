import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, runCommand } from './cli.js';
import type { CommandIo } from './io.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CommandIo = {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
  };
  const code = await runCommand(argv, io);
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'sslsocket-cli-'));
const missing = join(dir, 'missing.pem');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sslsocket (every command)', () => {
  it('lists every command in the top-level help, with the exit codes', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(out).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(out).toMatch(/exit codes .*0 success, 1 failure.*2 usage/);
  });

  it('exits 2 with the help on stderr without a command, and for an unknown one', async () => {
    expect(await run([])).toMatchObject({ code: 2, out: '' });
    const unknown = await run(['s_clint']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/error: unknown command 's_clint'/);
    // Inherited object keys are not commands.
    expect((await run(['toString'])).code).toBe(2);
  });

  for (const name of Object.keys(COMMANDS)) {
    it(`${name} --help shows usage, examples and exit codes`, async () => {
      const { code, out } = await run([name, '--help']);
      expect(code).toBe(0);
      expect(out).toMatch(new RegExp(`^usage: sslsocket ${name}`, 'm'));
      expect(out).toMatch(/^examples:\n {2}sslsocket /m);
      expect(out).toMatch(/exit codes: 0 .*2 /);
    });

    it(`${name} rejects an unknown flag with exit 2 and names it`, async () => {
      const { code, err, out } = await run([name, '-no_such_flag']);
      expect(code).toBe(2);
      expect(`${err}${out}`).toMatch(/error: unknown option -no_such_flag/);
    });
  }

  it('--version prints the package version and the runtime', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-version', 'version']) {
      const { code, out } = await run([flag]);
      expect(code).toBe(0);
      expect(out).toBe(`sslsocket ${version} (node ${process.version})\n`);
    }
  });

  it('names the file it cannot read', async () => {
    const client = await run(['s_client', '-connect', '127.0.0.1:9', '-CAfile', missing]);
    expect(client.code).toBe(2);
    expect(client.err).toContain(`cannot read ${missing}`);
    const server = await run(['s_server', '-accept', '127.0.0.1:0', '-cert', missing, '-key', missing]);
    expect(server.code).toBe(1);
    expect(server.err).toContain(`cannot read ${missing}`);
    const dhparam = join(dir, 'not-dh.pem');
    writeFileSync(dhparam, 'not a PEM file\n');
    const badDh = await run(['s_server', '-accept', '127.0.0.1:0', '-dhparam', dhparam, '-naccept', '1']);
    expect(badDh.code).toBe(1);
    expect(badDh.err).toMatch(/error: .*dh/i);
  });
});
