export * from './cipher-string.js';
export * from './cipher-suites.js';
export * from './groups.js';
export * from './signature-schemes.js';
export * from './suite-functions.js';
export * from './table.js';
export * from './versions.js';
