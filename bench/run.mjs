// `npm run bench [-- --quick] [-- --rounds N] [-- --only ROW,...]`: the benchmark of issue #17
// (lib/driver.mjs): node:tls, lemon-tls and sslsocket side by side, Markdown table, JSON and charts
// in bench/results/.
// `npm run bench -- --charts RUN.json`: the charts of a saved run again (below).
// `npm run bench -- NAME [args]`: one of the single benchmarks bench/NAME.mjs (crypto, pkix, record,
// socket) in its own process, so one bench's warm-up or GC state never skews another's figures.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.mjs') && file !== 'run.mjs')
  .map((file) => file.slice(0, -'.mjs'.length))
  .sort();
const [first, ...rest] = process.argv.slice(2);
// `npm run bench -- --charts RUN.json`: re-render a saved run's two SVG charts beside it (after a
// change to lib/charts.mjs), no measuring.
if (first === '--charts') {
  const file = rest[0];
  if (file === undefined || !file.endsWith('.json') || !existsSync(file)) {
    console.error(`bench: --charts wants a run's .json file (bench/results/…), got '${file ?? ''}'`);
    process.exit(2);
  }
  const { writeRunCharts } = await import('./lib/charts.mjs');
  const stem = file.slice(0, -'.json'.length);
  await writeRunCharts(JSON.parse(readFileSync(file, 'utf8')), stem);
  console.log(`wrote ${stem}-ratios.svg, ${stem}-bulk.svg`);
  process.exit(0);
}
const single = first !== undefined && !first.startsWith('-');
if (single && !available.includes(first)) {
  console.error(
    `bench: unknown benchmark '${first}' (available: ${available.join(', ')}, or none for the full driver)`,
  );
  process.exit(2);
}
const script = single ? `${here}${first}.mjs` : `${here}lib/driver.mjs`;
const result = spawnSync(process.execPath, ['--expose-gc', script, ...(single ? rest : process.argv.slice(2))], {
  stdio: 'inherit',
});
process.exitCode = result.status ?? 1;
