/**
 * `@sslsocket/handshake/tls12-kit`: the TLS 1.2 building blocks another handshake driver reuses
 * (DTLS 1.2 in `@sslsocket/dtls`, RFC 6347 §4.2: "DTLS reuses the TLS 1.2 handshake messages and
 * flows"): key derivation, message codecs, key exchange, suite and scheme choice, peer
 * verification, ALPN and the transcript. Re-exports only, so the engine's internals stay where
 * they are.
 * @module
 */
export { acceptAlpn, selectAlpn } from './alpn.js';
export { concat, equalBytes, toHex, utf8 } from './bytes.js';
export { clientServerName, configuredGroups, lookupSuite, selectCertificate } from './negotiate.js';
export { leafPublicKey, verifyPeerChain } from './peer-auth.js';
export { storeCall } from './session-store.js';
export { clientPsk } from './tls12/client-flight.js';
export {
  clientExchange,
  clientExchangeForm,
  keyExchangeShape,
  premasterSecret,
  type ServerEphemeral,
  serverEphemeral,
  serverSecret,
} from './tls12/key-exchange.js';
export {
  deriveKeyBlock,
  deriveMasterSecret,
  exportKeyingMaterial12,
  finishedVerifyData12,
  type KeyBlock,
  type MasterKeys,
} from './tls12/keys.js';
export {
  Certificate12,
  CertificateRequest12,
  decodeClientKeyExchange,
  decodeServerKeyExchange,
  encodeClientKeyExchange,
  encodeServerKeyExchange,
  type KeyExchangeParams,
  paramsBytes,
} from './tls12/messages.js';
export { groupOfParams } from './tls12/server-key-exchange.js';
export { saveSession12 } from './tls12/session-lookup.js';
export {
  chooseScheme12,
  configuredSuites12,
  ecGroups12,
  keyFitsSuite,
  schemeCodes12,
  schemeFitsKey12,
  schemeName,
  suiteNeedsCertificate,
  suiteSignsKeyExchange,
} from './tls12/suites.js';
export { Transcript } from './transcript.js';
