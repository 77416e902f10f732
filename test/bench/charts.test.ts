// The benchmark's charts (bench/lib/charts.mjs, issue #17): SVG rendered in Node by vega-lite and
// vega, one panel per row with only the stacks that ran in it, the row's target as a line, axis
// titles with units.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

type WriteRunCharts = (run: unknown, stem: string) => Promise<void>;

const dir = mkdtempSync(join(tmpdir(), 'sslsocket-bench-charts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const figure = (median: number) => ({
  samples: [median],
  summary: { median, min: median * 0.9, max: median * 1.1, n: 1 },
});
const run = {
  date: '2026-11-30T20:00:00.000Z',
  quick: true,
  rounds: 2,
  machine: { cpu: 'Test CPU', cores: 2, node: 'v20.0.0', nodeOpenssl: '3.0.0' },
  stacks: ['node:tls', 'lemon-tls', 'sslsocket'],
  rows: [
    {
      label: 'bulk row',
      task: 'bulk',
      target: 0.7,
      figures: { 'node:tls': figure(400), 'lemon-tls': figure(200), sslsocket: figure(220) },
      ratios: {
        'lemon-tls ÷ node:tls': figure(0.5).summary,
        'sslsocket ÷ node:tls': figure(0.55).summary,
        'sslsocket ÷ lemon-tls': figure(1.1).summary,
      },
    },
    {
      label: 'handshake row',
      task: 'handshakes',
      target: 0.8,
      figures: { 'node:tls': figure(400), sslsocket: figure(320) },
      ratios: { 'sslsocket ÷ node:tls': figure(0.8).summary, 'sslsocket ÷ lemon-tls': undefined },
    },
  ],
};

it('renders the ratio chart (targets, node:tls line, one panel per row) and the bulk chart as SVG', async () => {
  const { writeRunCharts } = (await import(new URL('../../bench/lib/charts.mjs', import.meta.url).href)) as {
    writeRunCharts: WriteRunCharts;
  };
  const stem = join(dir, 'run');
  await writeRunCharts(run, stem);
  const ratios = readFileSync(`${stem}-ratios.svg`, 'utf8');
  const bulk = readFileSync(`${stem}-bulk.svg`, 'utf8');
  for (const svg of [ratios, bulk]) {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('bulk row');
    expect(svg).toContain('Test CPU, 2 cores, Node v20.0.0 (OpenSSL 3.0.0); 2 rounds, quick (smoke) sizes');
  }
  expect(ratios).toContain('stack ÷ node:tls');
  expect(ratios).toContain('handshake row');
  // Only ÷ node:tls ratios are drawn, and the second row's panel holds sslsocket alone.
  expect(ratios).not.toContain('1.10');
  expect(ratios).toContain('0.55');
  // The two targets (0.7 and 0.8) as red dashed lines, one per panel.
  expect(ratios.match(/stroke="#d62728"/g)?.length).toBe(2);
  // node:tls's 1.0, one gray line per panel.
  expect(ratios.match(/stroke="gray"/g)?.length).toBe(2);
  expect(bulk).toContain('MB/s of application data');
  expect(bulk).not.toContain('handshake row');
  expect(bulk).toContain('>400<');
});
