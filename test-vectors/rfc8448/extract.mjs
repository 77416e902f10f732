// Transcribes the RFC 8448 traces (the text of draft-ietf-tls-tls13-vectors) into trace.json: for
// each section, the ordered steps ("{server}  derive write traffic keys for handshake data") and
// their named hex fields. Run by hand when the source text changes:
//   node test-vectors/rfc8448/extract.mjs ../shared/vectors/rfc8448-traces.txt
// Tests read only trace.json.
import { readFileSync, writeFileSync } from 'node:fs';

const source = process.argv[2];
if (source === undefined) throw new Error('usage: extract.mjs <rfc8448-traces.txt>');
const lines = readFileSync(source, 'utf8')
  .split('\n')
  // Drop page furniture: footers, headers and form feeds between pages.
  .filter((line) => !/^(Thomson|Internet-Draft)\s/.test(line) && !line.includes('\f'));

const sections = {};
let section = null;
let step = null;
let field = null;
for (const line of lines) {
  const heading = /^(\d)\.\s{2}(.+)$/.exec(line);
  if (heading) {
    section = Number(heading[1]) >= 3 && Number(heading[1]) <= 7 ? heading[1] : null;
    if (section !== null) sections[section] = { title: heading[2].trim(), steps: [] };
    step = field = null;
    continue;
  }
  if (section === null) continue;
  const stepMatch = /^ {3}\{(client|server)\}\s+(.+?):?\s*$/.exec(line);
  if (stepMatch) {
    step = { actor: stepMatch[1], step: stepMatch[2].replace(/:$/, ''), fields: {} };
    sections[section].steps.push(step);
    field = null;
    continue;
  }
  const fieldMatch = /^ {6}(\S.*?) \((\d+) octets?\):\s*((?:[0-9a-f]{2}\s?)*)$/.exec(line);
  if (fieldMatch && step !== null) {
    field = { name: fieldMatch[1], length: Number(fieldMatch[2]), hex: fieldMatch[3].replace(/\s+/g, '') };
    step.fields[field.name] = field;
    continue;
  }
  const continuation = /^ {9}((?:[0-9a-f]{2}\s?)+)$/.exec(line);
  if (continuation && field !== null) {
    field.hex += continuation[1].replace(/\s+/g, '');
    continue;
  }
  // A step that continues its description on the next line ("... (same as\n server)") is harmless.
  if (line.trim() === '') continue;
}
for (const { steps } of Object.values(sections)) {
  for (const { fields } of steps) {
    for (const [name, value] of Object.entries(fields)) {
      if (value.hex.length !== value.length * 2) throw new Error(`field ${name}: ${value.hex.length / 2} of ${value.length} octets`);
      fields[name] = value.hex;
    }
  }
}
writeFileSync(new URL('./trace.json', import.meta.url), `${JSON.stringify(sections, null, 1)}\n`);
console.log(Object.entries(sections).map(([n, s]) => `${n}: ${s.steps.length} steps`).join(', '));
