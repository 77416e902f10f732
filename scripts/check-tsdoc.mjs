#!/usr/bin/env node
// Hover docs gate (issue #20): every property of a `...Options` interface the package exports and
// every public member of the classes named below must carry a TSDoc comment. Reads the declaration
// files the build writes (packages/*/dist/*.d.ts, where tsc keeps each member's doc comment right
// above it; dist/index.d.ts says what the package exports), prints `file:line: Type.member has no
// TSDoc` for each one missing and exits 1 when any is.
//
//   node scripts/check-tsdoc.mjs [package-dist-dir ...]
//   (default: packages/sslsocket/dist and packages/node-compat/dist)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// The classes checked; their base classes (SslSocket's SocketPump, ..., Emitter) are added by
// following `extends`, since a base class's public members are the socket's.
const CLASSES = new Set(['SslSocket', 'SslListenSocket']);
const root = process.cwd();
const DEFAULT_DIRS = ['packages/sslsocket/dist', 'packages/node-compat/dist'];
const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_DIRS;

/** The checked types' undocumented members in one declaration file's text (`exported`: names to check). */
export function undocumented(text, exported = () => true) {
  const lines = text.split('\n');
  const missing = [];
  let type;
  const documented = new Map();
  const firstLine = new Map();
  const flush = () => {
    for (const [member, ok] of documented) if (!ok) missing.push({ type, member, line: firstLine.get(member) });
    documented.clear();
    firstLine.clear();
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const opening = /^export (?:declare )?(?:abstract )?(interface|class) ([A-Za-z0-9_$]+)/.exec(line);
    if (opening !== null) {
      const [, kind, name] = opening;
      const options = kind === 'interface' && name.endsWith('Options') && exported(name);
      type = options || (kind === 'class' && CLASSES.has(name)) ? name : undefined;
      continue;
    }
    if (type === undefined) continue;
    if (line === '}') {
      flush();
      type = undefined;
      continue;
    }
    const member =
      /^ {4}(?!private |protected |#)(?:readonly |static |get |set |async |abstract )*(\[[^\]]+\]|[A-Za-z0-9_$]+)\??[(:<]/.exec(
        line,
      );
    if (member === null || member[1] === 'constructor') continue;
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    const hasDoc = lines[previous]?.trim().endsWith('*/') === true;
    const name = member[1];
    if (!firstLine.has(name)) firstLine.set(name, i + 1);
    // Overloads and get/set pairs: one documented declaration documents the member.
    documented.set(name, (documented.get(name) ?? false) || hasDoc);
  }
  return missing;
}

/** What `dir/index.d.ts` exports: per module file, `'*'` or the set of names. */
function exportsOf(dir) {
  const map = new Map();
  const index = readFileSync(join(root, dir, 'index.d.ts'), 'utf8').replace(/\n\s*/g, ' ');
  for (const match of index.matchAll(/export (?:type )?(\*|\{[^}]*\}) from '\.\/([^']+)\.js'/g)) {
    const names =
      match[1] === '*' ? '*' : new Set(match[1].slice(1, -1).split(',').map((n) => n.trim().replace(/^type /, '')));
    map.set(`${match[2]}.d.ts`, names);
  }
  return map;
}

/** Adds to CLASSES every class the checked ones extend, directly or not. */
function addBaseClasses(texts) {
  const bases = new Map();
  for (const text of texts)
    for (const match of text.matchAll(/^export declare (?:abstract )?class (\w+)(?:<[^>]*>)? extends (\w+)/gm))
      bases.set(match[1], match[2]);
  for (const name of [...CLASSES]) {
    for (let base = bases.get(name); base !== undefined && !CLASSES.has(base); base = bases.get(base)) CLASSES.add(base);
  }
}

function main() {
  let count = 0;
  for (const dir of dirs) {
    const exported = exportsOf(dir);
    const all = readdirSync(join(root, dir), { recursive: true }).map(String);
    addBaseClasses(all.filter((file) => file.endsWith('.d.ts')).map((file) => readFileSync(join(root, dir, file), 'utf8')));
    const files = readdirSync(join(root, dir), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.d.ts') && !file.includes('test'));
    for (const file of files.sort()) {
      const path = join(root, dir, file);
      const names = exported.get(file);
      const isExported = (name) => names === '*' || (names !== undefined && names.has(name));
      for (const { type, member, line } of undocumented(readFileSync(path, 'utf8'), isExported)) {
        console.log(`${relative(root, path)}:${line}: ${type}.${member} has no TSDoc`);
        count++;
      }
    }
  }
  console.log(`tsdoc: ${count} undocumented option properties and class members`);
  process.exitCode = count === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
