import { webcryptoProvider } from '@sslsocket/suites';
import { defineProviderConformance } from './provider-conformance.js';

defineProviderConformance('webcrypto', webcryptoProvider);
