// SVG charts of a run, rendered in Node with vega-lite (spec → vega) and vega's headless view: no
// browser, no canvas. One chart of the ratios to node:tls per row, one of the bulk throughput.
import { writeFileSync } from 'node:fs';

async function render(spec, path) {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  writeFileSync(path, await view.toSVG());
}

/** `ratios`: [{ row, stack, median, min, max }]; `bulk`: [{ row, stack, median, min, max }] in MB/s. */
export async function writeCharts({ ratios, bulk, title, ratioPath, bulkPath }) {
  const bars = (data, field, axisTitle, extraLayers = []) => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title.main, subtitle: title.sub },
    width: 520,
    data: { values: data },
    encoding: {
      y: { field: 'row', type: 'nominal', sort: null, title: null, axis: { labelLimit: 600 } },
      yOffset: { field: 'stack', sort: null },
      color: { field: 'stack', type: 'nominal', sort: null, title: 'stack' },
    },
    layer: [
      { mark: 'bar', encoding: { x: { field: 'median', type: 'quantitative', title: axisTitle } } },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { x: { field: 'min', type: 'quantitative' }, x2: { field: 'max' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 9 },
        encoding: { x: { field: 'max', type: 'quantitative' }, text: { field: field, type: 'nominal' } },
      },
      ...extraLayers,
    ],
  });
  const withLabel = (rows, digits) => rows.map((row) => ({ ...row, label: row.median.toFixed(digits) }));
  await render(
    bars(withLabel(ratios, 2), 'label', 'ratio to node:tls, median of rounds (bar) and min–max (line); > 1 is better', [
      {
        mark: { type: 'rule', strokeDash: [4, 3], color: 'gray' },
        data: { values: [{ one: 1 }] },
        encoding: { x: { field: 'one', type: 'quantitative' }, yOffset: null, y: null, color: null },
      },
    ]),
    ratioPath,
  );
  await render(bars(withLabel(bulk, 0), 'label', 'MB/s, median of rounds (bar) and min–max (line)'), bulkPath);
}
