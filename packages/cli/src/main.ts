#!/usr/bin/env node
/**
 * The `sslsocket` command: `sslsocket <command> [options]`, with OpenSSL's flag spellings.
 * Exit codes: 0 success, 1 failure (e.g. a handshake), 2 usage error. The commands live in cli.ts.
 */
import { runCommand } from './cli.js';
import { ExitCode, processIo } from './io.js';

const argv = process.argv.slice(2);
runCommand(argv, processIo).then(
  (code) => {
    process.exitCode = code;
    // Long-running commands end their own work; a stray handle must not keep a finished command alive
    // (for verify: fetch's keep-alive socket to a CRL distribution point).
    if (argv[0] === 'demo' || argv[0] === 's_client' || argv[0] === 's_server' || argv[0] === 'verify')
      setTimeout(() => process.exit(code), 100).unref();
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = ExitCode.failure;
  },
);
