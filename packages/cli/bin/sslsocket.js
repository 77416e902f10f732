#!/usr/bin/env node
// Committed entry point, so the `sslsocket` bin exists (and is executable) straight after `npm ci`;
// the command itself is the built TypeScript in dist/ (`npm run build`).
import('../dist/main.js').catch((error) => {
  process.stderr.write(`error: ${error.message}\n(run \`npm run build\` first if dist/ is missing)\n`);
  process.exitCode = 1;
});
