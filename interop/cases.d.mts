// Types for cases.mjs (plain JS so the runner can execute it on the built dist without a compiler).
export interface InteropEnv {
  lib: { ClientConnection: unknown; ServerConnection: unknown; ServerSessionCache?: unknown };
  /** The DTLS engine (`@sslsocket/dtls`), for the DTLS cases (dtls.mjs). */
  dtls?: { DtlsConnection: unknown };
  provider: unknown;
  /** The node:crypto provider, where the cases want the product's default provider too. */
  productProvider?: unknown;
  creds: unknown;
  ticketKey: Uint8Array;
}
export interface InteropCase {
  name: string;
  run(env: InteropEnv): Promise<void>;
}
export function matrixCases(): InteropCase[];
export function featureCases(): InteropCase[];
export function setupCredentials(make: unknown): { dirs: unknown[] } & Record<string, unknown>;
