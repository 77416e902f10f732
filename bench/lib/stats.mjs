// Summary statistics of the samples of one figure.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** { median, min, max, n } of the finite values, or undefined when there are none. */
export function summary(values) {
  const finite = values.filter((value) => typeof value === 'number' && Number.isFinite(value));
  if (finite.length === 0) return undefined;
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

/**
 * Ratios of `stack` to `reference` taken round by round (the two samples of a round ran next to each
 * other); `invert` for lower-is-better figures, so a ratio above 1 always means "better than".
 */
export function pairedRatios(stack, reference, invert = false) {
  const out = [];
  for (let i = 0; i < Math.min(stack.length, reference.length); i++) {
    const a = stack[i];
    const b = reference[i];
    if (typeof a !== 'number' || typeof b !== 'number' || a <= 0 || b <= 0) continue;
    out.push(invert ? b / a : a / b);
  }
  return out;
}
