import { readFileSync, resolve, statSync } from '#files';
import { PemError } from './errors.js';
import { decodePem, type PemBlock } from './pem.js';

interface Entry {
  readonly mtimeMs: number;
  readonly size: number;
  readonly blocks: readonly PemBlock[];
}

/**
 * Files read as PEM (or DER), keyed by absolute path and checked against the file's mtime and size
 * on every read, so a replaced certificate or CRL file is picked up while unchanged files are parsed
 * once (Erlang's ssl_pem_cache, which `ssl:clear_pem_cache/0` empties).
 *
 * @example
 * const cache = new PemCache();
 * const certs = cache.read('/etc/ssl/ca.pem').filter((b) => b.label === 'CERTIFICATE');
 */
export class PemCache {
  private readonly entries = new Map<string, Entry>();

  /** The file's PEM blocks; a DER file (starting with a SEQUENCE) is one block with `derLabel`. */
  read(path: string, derLabel = 'CERTIFICATE'): readonly PemBlock[] {
    const absolute = resolve(path);
    let stats: { mtimeMs: number; size: number };
    try {
      stats = statSync(absolute);
    } catch (cause) {
      this.entries.delete(absolute);
      throw new PemError(`cannot read ${path}: ${(cause as Error).message}`, { cause });
    }
    const hit = this.entries.get(absolute);
    if (hit !== undefined && hit.mtimeMs === stats.mtimeMs && hit.size === stats.size) return hit.blocks;
    const bytes = new Uint8Array(readFileSync(absolute));
    const blocks: readonly PemBlock[] =
      bytes[0] === 0x30 ? [{ label: derLabel, der: bytes, headers: {} }] : decodePem(new TextDecoder().decode(bytes));
    this.entries.set(absolute, { mtimeMs: stats.mtimeMs, size: stats.size, blocks });
    return blocks;
  }

  /** The DER of the blocks labelled `label` in the file. */
  readDer(path: string, label = 'CERTIFICATE'): Uint8Array[] {
    return this.read(path, label)
      .filter((block) => block.label === label)
      .map((block) => block.der);
  }

  /** Forgets one file, or every file. */
  clear(path?: string): void {
    if (path === undefined) this.entries.clear();
    else this.entries.delete(resolve(path));
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The process-wide cache that file options (cacertfile, certfile, keyfile, CRL directories) read through. */
export const pemCache = new PemCache();

/**
 * Empties the process-wide PEM cache (Erlang `ssl:clear_pem_cache/0`).
 *
 * @example
 * clearPemCache(); // the next handshake re-reads cacertfile from disk
 */
export function clearPemCache(): void {
  pemCache.clear();
}
