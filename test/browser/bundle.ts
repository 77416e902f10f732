import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** A browser bundle of `entry` as esbuild makes it (`--bundle --platform=browser --minify`). */
export async function browserBundle(entry: string): Promise<{
  code: string;
  gzipBytes: number;
  warnings: string[];
  errors: string[];
  inputs: Record<string, number>;
}> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = new TextDecoder().decode(result.outputFiles[0]?.contents ?? new Uint8Array());
  const output = Object.values(result.metafile.outputs)[0];
  const inputs: Record<string, number> = {};
  for (const [file, info] of Object.entries(output?.inputs ?? {})) {
    const inPackage = file.split('node_modules/').pop() ?? file;
    const parts = inPackage.split('/');
    const name = file.includes('node_modules/')
      ? parts.slice(0, inPackage.startsWith('@') ? 2 : 1).join('/')
      : parts.slice(0, 2).join('/');
    inputs[name] = (inputs[name] ?? 0) + info.bytesInOutput;
  }
  return {
    code,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    warnings: result.warnings.map((w) => w.text),
    errors: result.errors.map((e) => e.text),
    inputs,
  };
}
