export * from './certificate.js';
export * from './extension-bodies.js';
export * from './extensions.js';
export * from './handshake-type.js';
export * from './hello.js';
export * from './simple.js';
