// Inputs for the property fuzzers: random bytes, and real encodings mutated the way a fuzzer does
// (bytes overwritten, inserted, cut), so both shallow and deep parser paths are reached.
import * as fc from 'fast-check';

/** Runs per property: FUZZ_RUNS in the environment (npm run fuzz raises it), else a quick 200. */
export const runs = Number(process.env.FUZZ_RUNS ?? 200);

/** The typed errors a parser may throw on bad input; anything else is a finding. */
export function isTypedError(error: unknown, allowed: readonly string[]): boolean {
  return error instanceof Error && allowed.includes(error.name);
}

/** A mutated copy of one of `seeds`. */
export function mutatedOf(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      seed: fc.integer({ min: 0, max: seeds.length - 1 }),
      edits: fc.array(
        fc.record({
          kind: fc.constantFrom('set', 'insert', 'cut', 'truncate', 'len'),
          at: fc.nat(),
          value: fc.integer({ min: 0, max: 255 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    .map(({ seed, edits }) => {
      let bytes = Array.from(seeds[seed] as Uint8Array);
      for (const edit of edits) {
        const at = bytes.length === 0 ? 0 : edit.at % bytes.length;
        if (edit.kind === 'set') bytes[at] = edit.value;
        else if (edit.kind === 'insert') bytes.splice(at, 0, edit.value);
        else if (edit.kind === 'cut') bytes.splice(at, 1 + (edit.value % 8));
        else if (edit.kind === 'truncate') bytes = bytes.slice(0, at);
        // Length fields are where parsers go wrong: push one byte to an extreme.
        else bytes[at] = edit.value & 1 ? 0xff : 0x00;
      }
      return Uint8Array.from(bytes);
    });
}

/** Random bytes or a mutated seed, half and half. */
export function inputs(seeds: readonly Uint8Array[], maxLength = 512): fc.Arbitrary<Uint8Array> {
  return fc.oneof(fc.uint8Array({ maxLength }), mutatedOf(seeds));
}

/**
 * Asserts `parse` returns a value or throws one of `allowed`; returns the value (or undefined).
 * Any other exception is rethrown so fast-check shrinks and reports it.
 */
export function valueOrTyped<T>(parse: () => T, allowed: readonly string[]): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (isTypedError(error, allowed)) return undefined;
    throw error;
  }
}
