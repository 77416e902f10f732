// `npm run bench [-- NAME...]`: runs bench/NAME.mjs for each name given (all benches when none),
// each in its own process so one bench's warm-up or GC state never skews another's figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.mjs') && file !== 'run.mjs')
  .map((file) => file.slice(0, -'.mjs'.length))
  .sort();
const [first, ...rest] = process.argv.slice(2);
const requested = first === undefined || first.startsWith('-') ? available : [first];
const passThrough = first === undefined || first.startsWith('-') ? process.argv.slice(2) : rest;

let failed = 0;
for (const name of requested) {
  if (!available.includes(name)) {
    console.error(`bench: unknown benchmark '${name}' (available: ${available.join(', ')})`);
    process.exitCode = 2;
    continue;
  }
  console.log(`\n== bench ${name} ==`);
  const result = spawnSync(process.execPath, ['--expose-gc', `${here}${name}.mjs`, ...passThrough], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
}
if (failed > 0) process.exitCode = 1;
