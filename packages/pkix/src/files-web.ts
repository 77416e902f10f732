/**
 * The `#files` module where there is no file system (browsers, workers): reading fails with a
 * message that says so, and paths are joined with '/'. Nothing here imports a `node:` module.
 * @module
 */
const NO_FILES = 'this runtime has no file system: pass certificates and CRLs as bytes or PEM text';

export function existsSync(_path: string): boolean {
  return false;
}

export function readFileSync(path: string): Uint8Array {
  throw new Error(`cannot read ${path}: ${NO_FILES}`);
}

export function statSync(path: string): { mtimeMs: number; size: number } {
  throw new Error(`cannot read ${path}: ${NO_FILES}`);
}

export function join(...parts: string[]): string {
  return parts.join('/').replace(/\/+/g, '/');
}

export function resolve(path: string): string {
  return path;
}
