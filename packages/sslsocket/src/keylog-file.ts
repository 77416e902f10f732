import { appendLine, environment } from '#platform';

/**
 * SSLKEYLOGFILE, as curl, Firefox, Chrome and Deno honour it: when the variable names a file, every
 * connection appends its NSS key log lines there (for Wireshark), besides any `keylog` callback.
 * Read when a configuration is built (each `connect()`, each `listen()`). A file
 * that cannot be written is skipped silently: key logging must never break a connection.
 * Browsers have no environment, so this is a no-op there.
 */
export function keylogFileWriter(): ((line: string) => void) | undefined {
  const path = environment('SSLKEYLOGFILE');
  if (path === undefined || path === '') return undefined;
  return (line) => {
    try {
      appendLine(path, `${line}\n`);
    } catch {
      // Unwritable key log file: connections go on without it.
    }
  };
}

/** The engine's keylog callback: the option's, the SSLKEYLOGFILE writer, both, or neither. */
export function combinedKeylog(
  option: ((line: string) => void) | undefined,
  keepSecrets: boolean,
): ((line: string) => void) | undefined {
  const file = keylogFileWriter();
  if (option !== undefined && file !== undefined)
    return (line) => {
      file(line);
      option(line);
    };
  return option ?? file ?? (keepSecrets ? () => undefined : undefined);
}
