// The repository's own structure rule: no import cycle in any package, and every workspace package
// a package imports is declared in its package.json (scripts/check-cycles.mjs, `npm run check:cycles`).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/check-cycles.mjs', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'check-cycles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A one-package repository with the given source files. */
function fixture(name: string, files: Record<string, string>, dependencies: Record<string, string> = {}): string {
  const root = join(scratch, name);
  for (const [pkg, manifest] of [
    ['a', { name: '@x/a', dependencies }],
    ['b', { name: '@x/b' }],
  ] as const) {
    mkdirSync(join(root, 'packages', pkg, 'src'), { recursive: true });
    writeFileSync(join(root, 'packages', pkg, 'package.json'), JSON.stringify(manifest));
  }
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, 'packages', 'a', 'src', path), text);
  return root;
}

describe('scripts/check-cycles.mjs', () => {
  it('finds no import cycle and no undeclared workspace dependency in this repository', () => {
    const out = execFileSync(process.execPath, [script, repo], { encoding: 'utf8' });
    expect(out.trim().split('\n').at(-1)).toBe('import cycles: 0; undeclared workspace dependencies: 0');
  });

  it('reports a cycle, type-only imports included, and exits 1', () => {
    const root = fixture('cycle', {
      'one.ts': "import { two } from './two.js';\nexport const one = () => two;\n",
      'two.ts': "import type { Three } from './three.js';\nexport const two = 2;\nexport type T = Three;\n",
      'three.ts': "import {\n  one,\n} from './one.js';\nexport type Three = typeof one;\n",
      'alone.ts': "// import { one } from './one.js';\nexport const alone = 1;\n",
    });
    const run = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('import cycles: 1;');
    expect(run.stdout).toMatch(/import cycle among: .*one\.ts/);
    expect(run.stdout).not.toContain('alone.ts');
  });

  it('reports a workspace package imported without being declared', () => {
    const files = { 'index.ts': "import { b } from '@x/b';\nexport const a = b;\n" };
    const undeclared = spawnSync(process.execPath, [script, fixture('undeclared', files)], { encoding: 'utf8' });
    expect(undeclared.status).toBe(1);
    expect(undeclared.stdout).toContain('undeclared workspace dependency: a: @x/b');
    const declared = spawnSync(process.execPath, [script, fixture('declared', files, { '@x/b': '0.1.0' })], {
      encoding: 'utf8',
    });
    expect(declared.status).toBe(0);
  });
});
