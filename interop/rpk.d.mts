import type { InteropCase } from './cases.mjs';
export function rpkCases(): InteropCase[];
