import { defineProviderConformance } from '../../../test/conformance/provider-conformance.js';
import { nodeProvider } from './node-provider.js';

defineProviderConformance('node', nodeProvider);
