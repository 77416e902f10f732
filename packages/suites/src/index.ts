export * from './alerts.js';
export * from './provider.js';
