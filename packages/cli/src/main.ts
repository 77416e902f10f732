#!/usr/bin/env node
/**
 * The `sslsocket` command: `sslsocket <command> [options]`, with OpenSSL's flag spellings.
 * Exit codes: 0 success, 1 failure (e.g. a handshake), 2 usage error.
 */
import { runCiphers } from './commands/ciphers.js';
import { runDemoCommand } from './commands/demo.js';
import { runSClient } from './commands/s-client.js';
import { runSServer } from './commands/s-server.js';
import { runVerifyCommand } from './commands/verify.js';
import { type CommandIo, ExitCode, processIo } from './io.js';

type Command = (argv: readonly string[], io: CommandIo) => number | Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  ciphers: { run: runCiphers, summary: 'list cipher suites, like openssl ciphers' },
  s_client: { run: runSClient, summary: 'connect to a TLS server, like openssl s_client' },
  s_server: { run: runSServer, summary: 'serve TLS connections, like openssl s_server (-www)' },
  verify: { run: runVerifyCommand, summary: 'verify a certificate chain, like openssl verify (--batch: JSON lines)' },
  demo: {
    run: runDemoCommand,
    summary: 'server + clients + openssl on loopback, a table of what was negotiated (npm start)',
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`);
  return `usage: sslsocket <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'sslsocket <command> --help' for a command's options.\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    processIo.stdout(usage());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    processIo.stderr(`error: unknown command '${name}'\n${usage()}`);
    return ExitCode.usage;
  }
  return command.run(rest, processIo);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Long-running commands end their own work; a stray handle must not keep a finished command alive.
    if (process.argv[2] === 'demo' || process.argv[2] === 's_client') setTimeout(() => process.exit(code), 100).unref();
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = ExitCode.failure;
  },
);
