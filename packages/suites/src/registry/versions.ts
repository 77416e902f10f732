/**
 * Protocol versions (RFC 8446 §4.2.1, RFC 5246 App. E), named as Erlang `ssl` names them.
 * @module
 */

export type ProtocolVersionName = 'tlsv1.2' | 'tlsv1.3';
export type LegacyVersionName = 'tlsv1' | 'tlsv1.1' | 'sslv3';

export interface ProtocolVersion {
  readonly name: ProtocolVersionName | LegacyVersionName;
  readonly code: number;
  /** OpenSSL's spelling (`TLSv1.3`), used in CLI output. */
  readonly displayName: string;
  readonly supported: boolean;
}

export const PROTOCOL_VERSIONS: readonly ProtocolVersion[] = Object.freeze([
  Object.freeze({ name: 'tlsv1.3', code: 0x0304, displayName: 'TLSv1.3', supported: true }),
  Object.freeze({ name: 'tlsv1.2', code: 0x0303, displayName: 'TLSv1.2', supported: true }),
  Object.freeze({ name: 'tlsv1.1', code: 0x0302, displayName: 'TLSv1.1', supported: false }),
  Object.freeze({ name: 'tlsv1', code: 0x0301, displayName: 'TLSv1', supported: false }),
  Object.freeze({ name: 'sslv3', code: 0x0300, displayName: 'SSLv3', supported: false }),
] as const);

export function versionByCode(code: number): ProtocolVersion | undefined {
  return PROTOCOL_VERSIONS.find((version) => version.code === code);
}

export function versionByName(name: string): ProtocolVersion | undefined {
  return PROTOCOL_VERSIONS.find((version) => version.name === name);
}

/** The result of {@link versions}, shaped like Erlang's `ssl:versions/0` proplist. */
export interface VersionsInfo {
  /** Versions enabled by default. */
  readonly supported: readonly ProtocolVersionName[];
  /** Versions this build can be configured to use. */
  readonly available: readonly ProtocolVersionName[];
  /** Versions the engine implements. */
  readonly implemented: readonly ProtocolVersionName[];
  /** Legacy versions known by name but never negotiated. */
  readonly legacy: readonly LegacyVersionName[];
}

/**
 * Erlang `ssl:versions/0`.
 *
 * @example
 * versions().supported; // ['tlsv1.3', 'tlsv1.2']
 */
export function versions(): VersionsInfo {
  const implemented: ProtocolVersionName[] = ['tlsv1.3', 'tlsv1.2'];
  return Object.freeze({
    supported: implemented,
    available: implemented,
    implemented,
    legacy: ['tlsv1.1', 'tlsv1', 'sslv3'] as LegacyVersionName[],
  });
}
