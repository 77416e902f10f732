#!/usr/bin/env node
/**
 * Runs the multi-site HTTPS example: `node examples/https-sites/main.mjs [config.json]`
 * (after `npm run build`, which builds the `sslsocket` package this imports).
 * Exit codes: 0 stopped by SIGINT/SIGTERM, 1 could not start, 2 bad config.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, startSites } from './sites-server.mjs';

const path = process.argv[2] ?? fileURLToPath(new URL('./config.json', import.meta.url));
try {
  const config = await loadConfig(path);
  const sites = await startSites(config, { onError: (error) => console.error(`connection: ${error.message}`) });
  console.log(`https://${config.host}:${sites.httpsPort}/  sites: ${sites.sites.join(', ') || '(none yet)'}`);
  if (sites.httpPort !== null) {
    console.log(`http://${config.host}:${sites.httpPort}/  redirects (${config.permanentRedirect ? 301 : 302})`);
  }
  const stop = async () => {
    await sites.close();
    console.log(`served ${sites.counters.connections} TLS connections, ${sites.counters.resumed} resumed`);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(`error: ${error.message}`);
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
