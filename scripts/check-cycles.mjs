#!/usr/bin/env node
// Finds import cycles between the source files of each workspace package, counting every
// relative import and re-export (type-only ones too: a cycle of types is still a cycle to read),
// and workspace imports a package does not declare in its package.json dependencies.
// Usage: node scripts/check-cycles.mjs [repo root]   (exit status 1 when anything is found)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Static imports, re-exports, side-effect imports and dynamic imports of one source text. */
const SPECIFIERS = [
  /\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function specifiers(text) {
  // Comments may mention imports; drop them first (strings are left alone).
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
  const out = new Set();
  for (const re of SPECIFIERS) for (const m of code.matchAll(re)) out.add(m[1]);
  return [...out];
}

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') out.push(...sourceFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

/** The .ts file a relative specifier names, or undefined. */
function resolveLocal(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.(m?js)$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.reverse());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/**
 * Checks every package under `root`/packages. Returns the cycles (file lists relative to `root`)
 * and the undeclared workspace dependencies (`package: name`).
 */
export function checkRepository(root) {
  const packagesDir = join(root, 'packages');
  const packages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, 'package.json')));
  const workspaceNames = new Set(
    packages.map((p) => JSON.parse(readFileSync(join(packagesDir, p, 'package.json'), 'utf8')).name),
  );
  const found = { cycles: [], undeclared: [] };
  for (const pkg of packages) {
    const manifest = JSON.parse(readFileSync(join(packagesDir, pkg, 'package.json'), 'utf8'));
    const declared = new Set([
      manifest.name,
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
    ]);
    const src = join(packagesDir, pkg, 'src');
    if (!existsSync(src)) continue;
    const graph = new Map();
    for (const file of sourceFiles(src)) {
      const isTest = file.endsWith('.test.ts') || file.includes(`${join(src, 'test')}/`);
      const edges = [];
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = resolveLocal(file, spec);
          if (target !== undefined) edges.push(target);
        } else if (!isTest) {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
          if (workspaceNames.has(name) && !declared.has(name)) found.undeclared.push(`${pkg}: ${name}`);
        }
      }
      graph.set(file, edges);
    }
    for (const c of cycles(graph)) found.cycles.push(c.map((f) => relative(root, f)));
  }
  found.undeclared = [...new Set(found.undeclared)];
  return found;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const { cycles: found, undeclared } = checkRepository(root);
  for (const c of found) console.log(`import cycle among: ${c.join(', ')}`);
  for (const u of undeclared) console.log(`undeclared workspace dependency: ${u}`);
  console.log(`import cycles: ${found.length}; undeclared workspace dependencies: ${undeclared.length}`);
  process.exit(found.length + undeclared.length === 0 ? 0 : 1);
}
