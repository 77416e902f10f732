import { nobleProvider } from '@sslsocket/suites';
import { defineProviderConformance } from './provider-conformance.js';

defineProviderConformance('noble', nobleProvider);
