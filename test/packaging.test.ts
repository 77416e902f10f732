// What `npm pack` would publish for each workspace package: the built code and its sources, never a
// test, a test helper or a build cache (package.json `files`), and every entry point it names.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

interface PackResult {
  readonly name: string;
  readonly files: readonly { readonly path: string }[];
}

function packDryRun(): Promise<PackResult[]> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--json', '--workspaces'], { cwd: root }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`npm pack --dry-run failed: ${stderr}`));
      else resolve(JSON.parse(stdout) as PackResult[]);
    });
  });
}

/** Files a consumer must never receive: tests, shared test helpers, build caches. */
const TEST_ONLY = [/\.test\.[cm]?[jt]s(\.map)?$/, /\.test\.d\.ts(\.map)?$/, /^(src|dist)\/test\//, /test-keys\./];

it('every package tarball ships no tests, test helpers or build caches, and has its entry points', async () => {
  const packs = await packDryRun();
  const workspaces = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { workspaces: string[] }).workspaces;
  expect(packs.map((pack) => pack.name).sort()).toHaveLength(workspaces.length);
  for (const dir of workspaces) {
    const manifest = JSON.parse(readFileSync(`${root}/${dir}/package.json`, 'utf8')) as {
      name: string;
      main?: string;
      types?: string;
      bin?: Record<string, string>;
    };
    const pack = packs.find((candidate) => candidate.name === manifest.name);
    expect(pack, `npm pack has no result for ${manifest.name}`).toBeDefined();
    const paths = (pack as PackResult).files.map((file) => file.path);
    const leaked = paths.filter(
      (path) => TEST_ONLY.some((pattern) => pattern.test(path)) || path.endsWith('.tsbuildinfo'),
    );
    expect(leaked, `${manifest.name} would publish test-only files`).toEqual([]);
    const entries = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})].filter(
      (entry): entry is string => entry !== undefined,
    );
    for (const entry of entries)
      expect(paths, `${manifest.name} misses ${entry}`).toContain(entry.replace(/^\.\//, ''));
    expect(paths).toContain('package.json');
  }
});
