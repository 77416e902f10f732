/**
 * The engine's byte helpers: noble's, under the names the engine uses (one set for the whole
 * engine; `equalBytes` compares in time independent of where the inputs differ).
 * @module
 */
export { equalBytes } from '@noble/ciphers/utils.js';
export {
  bytesToHex as toHex,
  concatBytes as concat,
  hexToBytes as fromHex,
  utf8ToBytes as utf8,
} from '@noble/hashes/utils.js';
