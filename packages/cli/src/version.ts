import { readFileSync } from 'node:fs';

/**
 * `sslsocket --version`: the package version and the runtime, e.g. `sslsocket 0.1.0 (node v20.19.0)`.
 * Read from this package's package.json (one level above both src/ and dist/).
 */
export function versionLine(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `sslsocket ${manifest.version} (node ${process.version})`;
}
