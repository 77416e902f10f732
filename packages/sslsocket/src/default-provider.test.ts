import { readdirSync, readFileSync } from 'node:fs';
import { nodeProvider } from '@sslsocket/provider-node';
import { nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { defaultProvider } from './default-provider.js';
import { defaultProvider as webDefault } from './default-provider-web.js';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  imports: Record<string, Record<string, string>>;
};

/** Every non-test TypeScript file under `dir`. */
function sources(dir: URL): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => readFileSync(new URL(file, dir), 'utf8'));
}

describe('#default-provider', () => {
  it('is nodeProvider where node:crypto exists and noble elsewhere', () => {
    expect(defaultProvider).toBe(nodeProvider);
    expect(webDefault).toBe(nobleProvider);
  });

  it('maps the node and deno conditions to the node module and everything else to the web one', () => {
    const map = packageJson.imports['#default-provider'] as Record<string, string>;
    for (const condition of ['node', 'deno', 'bun']) expect(map[condition]).toBe('./dist/default-provider.js');
    for (const condition of ['browser', 'default']) expect(map[condition]).toBe('./dist/default-provider-web.js');
    // Conditions match in order: browser must come before node, default last.
    const order = Object.keys(map);
    expect(order.indexOf('browser')).toBeLessThan(order.indexOf('node'));
    expect(order.at(-1)).toBe('default');
  });

  it('the web module reaches no node: built-in (it imports only @sslsocket/suites)', () => {
    const web = readFileSync(new URL('./default-provider-web.ts', import.meta.url), 'utf8');
    const imports = [...web.matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]);
    expect(imports).toEqual(['@sslsocket/suites']);
    for (const text of sources(new URL('../../suites/src/', import.meta.url)))
      expect(text).not.toMatch(/from 'node:|import\('node:/);
  });
});
