import { fileURLToPath } from 'node:url';
import { createLogger, build as viteBuild } from 'vite';
import { describe, expect, it } from 'vitest';
import { browserBundle } from './bundle.js';

// A browser client built from `import … from 'sslsocket'` (the built dist/, as a user's bundler
// sees the published packages): no Node built-in may be reachable, and no bundler may warn.

const entry = fileURLToPath(new URL('./page-client.ts', import.meta.url));

describe('browser bundles of the sslsocket client', () => {
  it('esbuild --bundle --platform=browser: no node: imports, no warnings; the gzipped size is reported', async () => {
    const bundle = await browserBundle(entry);
    expect(bundle.errors).toEqual([]);
    expect(bundle.warnings).toEqual([]);
    expect(bundle.code).not.toMatch(/["']node:/);
    const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
    const total = Object.values(bundle.inputs).reduce((a, b) => a + b, 0);
    const parts = Object.entries(bundle.inputs)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([name, bytes]) => `${name} ${Math.round((100 * bytes) / total)}%`);
    console.log(
      `browser client bundle: ${kib(bundle.gzipBytes)} KiB gzipped (${kib(bundle.code.length)} KiB minified; ${parts.join(', ')})`,
    );
    // Issue #20: at most 120 KiB. pkix parses with its own DER reader (no pkijs/asn1js), and the
    // Public Suffix List (tldts, about 48 KiB gzipped) stays out of browser bundles: pages that
    // want it pass a lookup to setPublicSuffixList (pkix's `#public-suffix` import conditions).
    expect(Object.keys(bundle.inputs).filter((name) => /^(pkijs|asn1js|tldts)/.test(name))).toEqual([]);
    expect(bundle.gzipBytes).toBeLessThanOrEqual(120 * 1024);
  }, 60_000);

  it('vite build: no node: imports, no warnings', async () => {
    const warnings: string[] = [];
    const logger = createLogger('warn', { allowClearScreen: false });
    logger.warn = (message) => warnings.push(message);
    logger.warnOnce = (message) => warnings.push(message);
    const result = await viteBuild({
      configFile: false,
      logLevel: 'warn',
      customLogger: logger,
      build: {
        write: false,
        minify: true,
        chunkSizeWarningLimit: 2000,
        lib: { entry, formats: ['es'], fileName: 'client' },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
    const code = outputs.map((chunk) => ('code' in chunk ? chunk.code : '')).join('\n');
    expect(warnings).toEqual([]);
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).not.toMatch(/["']node:/);
  }, 120_000);
});
