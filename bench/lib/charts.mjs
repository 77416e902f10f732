// SVG charts of a run, rendered in Node with vega-lite (spec → vega) and vega's headless view: no
// browser, no canvas. One chart of the ratios to node:tls per row (with each row's target), one of
// the bulk throughput. Each row of the table is a panel of its own, titled with the row and holding
// only the stacks that ran in it, so the charts stay short enough to read in a README.
import { writeFileSync } from 'node:fs';

async function render(spec, path) {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  // Errors only: vega-lite warns about the per-panel y scales, which are meant to differ.
  const compiled = vegaLite.compile(spec, { logger: vega.logger(vega.Error) });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  writeFileSync(path, await view.toSVG());
}

/**
 * A bar per stack (median) with its min–max as a line and the median as text, one panel per row.
 * `extraLayers` draw on top (reference and target lines).
 */
function panels({ data, stacks, digits, axisTitle, title, subtitle, extraLayers = [] }) {
  const x = { field: 'median', type: 'quantitative', title: axisTitle };
  // The stacks of a panel; only the bar, min–max and text layers have it, so that the reference
  // and target rules (x only) cross the whole panel.
  const y = { field: 'stack', type: 'nominal', sort: null, title: null, axis: { labelLimit: 260 } };
  const rowOrder = [...new Set(data.map((entry) => entry.row))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title.main, subtitle: [title.sub, subtitle], anchor: 'start' },
    data: { values: data.map((entry) => ({ ...entry, label: entry.median.toFixed(digits) })) },
    facet: {
      row: {
        field: 'row',
        type: 'nominal',
        sort: rowOrder,
        title: null,
        header: {
          labelAngle: 0,
          labelOrient: 'top',
          labelAnchor: 'start',
          labelFontWeight: 'bold',
          labelLimit: 900,
          labelPadding: 3,
        },
      },
    },
    spacing: 18,
    spec: {
      width: 560,
      height: { step: 14 },
      layer: [
        {
          mark: 'bar',
          // One colour per stack, the same in both charts (domain: every stack of the run, in table order).
          encoding: { x, y, color: { field: 'stack', type: 'nominal', scale: { domain: stacks }, legend: null } },
        },
        {
          mark: { type: 'rule', color: 'black' },
          encoding: { x: { field: 'min', type: 'quantitative' }, x2: { field: 'max' }, y },
        },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
          encoding: { x: { field: 'max', type: 'quantitative' }, y, text: { field: 'label', type: 'nominal' } },
        },
        ...extraLayers,
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/**
 * The charts of a run as the driver writes it to JSON ({ date, quick, rounds, machine, stacks?, rows:
 * [{ label, task, target?, ratios, figures }] }): `<stem>-ratios.svg` and `<stem>-bulk.svg`.
 * `npm run bench -- --charts RUN.json` re-renders a saved run's charts with it.
 */
export async function writeRunCharts(run, stem) {
  const ratios = [];
  const bulk = [];
  for (const row of run.rows) {
    for (const [name, s] of Object.entries(row.ratios)) {
      if (s === undefined || s === null || !name.endsWith('÷ node:tls')) continue;
      ratios.push({ row: row.label, stack: name.replace(' ÷ node:tls', ''), ...s, target: row.target });
    }
    if (row.task !== 'bulk') continue;
    for (const [stack, figure] of Object.entries(row.figures)) {
      if (figure.summary !== undefined && figure.summary !== null)
        bulk.push({ row: row.label, stack, ...figure.summary });
    }
  }
  const { machine } = run;
  await writeCharts({
    ratios,
    bulk,
    // Runs saved before `stacks` was in the JSON: every stack of the rows, in row order.
    stacks: run.stacks ?? [...new Set(run.rows.flatMap((row) => Object.keys(row.figures)))],
    title: {
      main: `sslsocket benchmark, ${run.date.slice(0, 10)}`,
      sub: `${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (OpenSSL ${machine.nodeOpenssl}); ${run.rounds} rounds${run.quick ? ', quick (smoke) sizes' : ''}`,
    },
    ratioPath: `${stem}-ratios.svg`,
    bulkPath: `${stem}-bulk.svg`,
  });
}

/**
 * `ratios`: [{ row, stack, median, min, max, target? }] (target: the row's ratio target to node:tls);
 * `bulk`: [{ row, stack, median, min, max }] in MB/s; `title`: { main, sub }; `stacks`: every stack of
 * the run in table order (fixes each stack's colour).
 */
export async function writeCharts({ ratios, bulk, stacks, title, ratioPath, bulkPath }) {
  await render(
    panels({
      data: ratios,
      stacks,
      digits: 2,
      axisTitle: 'stack ÷ node:tls, round by round (time and memory inverted): > 1 is better',
      title,
      subtitle: 'bar: median of the rounds, line: min–max; gray: node:tls (1.0); red dashes: the row’s target (#17)',
      extraLayers: [
        {
          // One line per panel: the rows of a panel collapse to one before the rule is drawn.
          transform: [{ aggregate: [{ op: 'count', as: 'stacks' }] }],
          mark: { type: 'rule', color: 'gray' },
          encoding: { x: { datum: 1, type: 'quantitative' } },
        },
        {
          mark: { type: 'rule', color: '#d62728', strokeDash: [5, 3], strokeWidth: 1.5 },
          // One line per panel (every stack of a row carries the row's target).
          encoding: { x: { aggregate: 'max', field: 'target', type: 'quantitative' } },
        },
      ],
    }),
    ratioPath,
  );
  await render(
    panels({
      data: bulk,
      stacks,
      digits: 0,
      axisTitle: 'MB/s of application data (10^6 bytes per second)',
      title,
      subtitle: 'bar: median of the rounds, line: min–max',
    }),
    bulkPath,
  );
}
