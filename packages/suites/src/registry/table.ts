import { ALL_CIPHER_SUITES } from './cipher-suites.js';

/** The registry as a printable table: code, RFC name, OpenSSL name, versions, default. */
export function formatSuiteTable(): string {
  const rows = ALL_CIPHER_SUITES.map((suite) => [
    `0x${suite.code.toString(16).padStart(4, '0').toUpperCase()}`,
    suite.name,
    suite.opensslName ?? '-',
    suite.versions.join(','),
    suite.isDefault ? 'default' : '',
  ]);
  const header = ['code', 'RFC name', 'OpenSSL name', 'versions', ''];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const render = (row: string[]): string =>
    row
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)].join('\n');
}
