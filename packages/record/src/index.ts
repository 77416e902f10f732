/**
 * `@sslsocket/record`: the byte codec and the TLS record layer (framing, protection, limits).
 *
 * The engine feeds received bytes to a {@link RecordReader}, which returns records opened with the
 * current read epoch's {@link RecordProtection}; handshake records go through a
 * {@link HandshakeReassembler}. Outgoing data goes through a {@link RecordWriter}, which fragments
 * and seals in place into one output buffer per flight. Epochs change with `setProtection()`:
 * {@link NullProtection} first, then {@link Tls13Protection} (handshake, application, KeyUpdate) or
 * {@link Tls12AeadProtection} / {@link Tls12CbcProtection} after ChangeCipherSpec.
 *
 * @module
 */
export * from './codec/index.js';
export * from './content-type.js';
export * from './handshake-reassembler.js';
export * from './protection/null-protection.js';
export * from './protection/record-protection.js';
export * from './protection/tls12-aead-protection.js';
export * from './protection/tls12-cbc-protection.js';
export * from './protection/tls13-protection.js';
export * from './record-reader.js';
export * from './record-writer.js';
