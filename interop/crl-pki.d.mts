export interface FileServer {
  readonly port: number;
  url(path: string): string;
  readonly files: Map<string, Uint8Array>;
  readonly hits: Map<string, number>;
  readonly hold: Set<string>;
  close(): Promise<void>;
}
export interface CrlPki {
  readonly dir: string;
  path(name: string): string;
  readonly crl: Uint8Array;
  remove(): void;
}
export function serveFiles(): Promise<FileServer>;
export function closingServer(): Promise<{ url(path: string): string; close(): Promise<void> }>;
export function deadPort(): Promise<number>;
export function makeCrlPki(leaves: Record<string, string>, revoke: readonly string[]): Promise<CrlPki>;
export function opensslVerdict(pki: CrlPki, leafName: string): Promise<number>;
