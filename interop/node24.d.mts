// Types for node24.mjs (see there).
import type { InteropCase } from './cases.mjs';
export const ML_KEM_GROUPS: string[];
export function findNode24(options?: { install?: boolean }): { node?: string; why?: string };
export function node24Cases(node: string): InteropCase[];
