#!/usr/bin/env node
// Until the full command set lands, the CLI prints the registry's suite table (what `npm start` shows).
import { formatSuiteTable } from '@sslsocket/suites';

process.stdout.write(`${formatSuiteTable()}\n`);
