// Test helper: looks up RFC 8448 trace values transcribed in test-vectors/rfc8448/trace.json.
import { readFileSync } from 'node:fs';

interface Step {
  actor: 'client' | 'server';
  step: string;
  fields: Record<string, string>;
}
type Trace = Record<string, { title: string; steps: Step[] }>;

const trace = JSON.parse(
  readFileSync(new URL('../../../../test-vectors/rfc8448/trace.json', import.meta.url), 'utf8'),
) as Trace;

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The `field` of the `occurrence`-th step of `actor` whose description starts with `step`. */
export function traceValue(
  section: number,
  actor: 'client' | 'server',
  step: string,
  field: string,
  occurrence = 0,
): Uint8Array {
  const steps = trace[section]?.steps.filter((s) => s.actor === actor && s.step.startsWith(step)) ?? [];
  const value = steps[occurrence]?.fields[field];
  if (value === undefined) throw new Error(`RFC 8448 §${section}: no '${field}' in ${actor} '${step}' #${occurrence}`);
  return hex(value);
}
