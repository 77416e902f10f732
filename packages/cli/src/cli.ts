/**
 * The command table behind `sslsocket <command> [options]`, apart from the process entry point
 * (main.ts) so tests can run any command in-process with captured output.
 * Exit codes, the same for every command: 0 success, 1 failure (e.g. a handshake), 2 usage error.
 */
import { UsageError } from './args.js';
import { runCiphers } from './commands/ciphers.js';
import { runDemoCommand } from './commands/demo.js';
import { runSClient } from './commands/s-client.js';
import { runSServer } from './commands/s-server.js';
import { runSpeed } from './commands/speed.js';
import { runVerifyCommand } from './commands/verify.js';
import { runX509 } from './commands/x509.js';
import { type CommandIo, ExitCode } from './io.js';
import { versionLine } from './version.js';

type Command = (argv: readonly string[], io: CommandIo) => number | Promise<number>;

/** Every command with its one-line summary for `sslsocket --help`. */
export const COMMANDS: Readonly<Record<string, { run: Command; summary: string }>> = {
  ciphers: { run: runCiphers, summary: 'list cipher suites, like openssl ciphers' },
  s_client: { run: runSClient, summary: 'connect to a TLS server, like openssl s_client' },
  s_server: {
    run: (argv, io) => runSServer(argv, io, process.stdin),
    summary: 'serve TLS connections, like openssl s_server (-www; stdin command c)',
  },
  x509: { run: runX509, summary: 'print certificate fields, like openssl x509 (-subject, -enddate, -text, ...)' },
  verify: { run: runVerifyCommand, summary: 'verify a certificate chain, like openssl verify (--batch: JSON lines)' },
  speed: { run: runSpeed, summary: 'record-layer and in-memory connection throughput per suite and provider' },
  demo: {
    run: runDemoCommand,
    summary: 'server + clients + openssl on loopback, a table of what was negotiated (npm start)',
  },
};

/** The top-level help screen. */
export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`);
  return [
    'usage: sslsocket <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    "Run 'sslsocket <command> --help' for a command's options and examples.",
    '',
    "'sslsocket --version' prints the version.",
    '',
    'exit codes (every command): 0 success, 1 failure (handshake, connection, measurement), 2 usage error',
    '',
  ].join('\n');
}

/**
 * Runs `sslsocket ARGV...`: dispatches to the command; a usage error a command did not handle
 * itself still exits 2 with its message.
 *
 * @example
 * const code = await runCommand(['ciphers', '-tls1_3'], processIo);
 */
export async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-help' || name === '-h' || name === 'help') {
    if (name === undefined) io.stderr(usage());
    else io.stdout(usage());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === '--version' || name === '-version' || name === 'version') {
    io.stdout(`${versionLine()}\n`);
    return ExitCode.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr(`error: unknown command '${name}'\n${usage()}`);
    return ExitCode.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
}
