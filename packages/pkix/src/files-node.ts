/**
 * The file functions pkix uses (PemCache, CrlDirectoryStore), from Node's built-ins. Chosen through
 * the `#files` import's node / deno / bun conditions in package.json; browser bundles get
 * `files-web` instead and never see a `node:` import.
 * @module
 */
export { existsSync, readFileSync, statSync } from 'node:fs';
export { join, resolve } from 'node:path';
