// Hover docs (issue #20): every option property (sslsocket and node-compat) and every public
// SslSocket / SslListenSocket member has TSDoc (scripts/check-tsdoc.mjs reads the built declaration files).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { undocumented } from '../../scripts/check-tsdoc.mjs';

const script = fileURLToPath(new URL('../../scripts/check-tsdoc.mjs', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('scripts/check-tsdoc.mjs', () => {
  it('finds no undocumented option property or socket member in the default run (sslsocket and node-compat)', () => {
    const run = spawnSync(process.execPath, [script], { cwd: repo, encoding: 'utf8' });
    expect(run.stdout).toContain('tsdoc: 0 undocumented');
    expect(run.status).toBe(0);
  });

  it('finds no undocumented option property in node-compat (connect, server and secure-context options)', () => {
    const run = spawnSync(process.execPath, [script, 'packages/node-compat/dist'], { cwd: repo, encoding: 'utf8' });
    expect(run.stdout).toContain('tsdoc: 0 undocumented');
    expect(run.status).toBe(0);
  });

  it('reports an option property or class member without a doc comment, and only those', () => {
    const declarations = [
      'export interface ExampleOptions {',
      '    /** Documented. */',
      '    readonly good?: number;',
      '    readonly bad?: string;',
      '    /**',
      '     * Documented over',
      '     * several lines.',
      '     */',
      '    readonly multi?: boolean;',
      '}',
      'export interface NotChecked {',
      '    readonly ignored?: number;',
      '}',
      'export declare class SslSocket {',
      '    private hidden;',
      '    /** Sends. */',
      '    send(data: Uint8Array): Promise<void>;',
      '    recv(length?: number): Promise<Uint8Array>;',
      '    get error(): Error | undefined;',
      '}',
    ].join('\n');
    const found = (undocumented(declarations) as { type: string; member: string }[]).map(
      (entry) => `${entry.type}.${entry.member}`,
    );
    expect(found).toEqual(['ExampleOptions.bad', 'SslSocket.recv', 'SslSocket.error']);
  });
});
