// Types for cases12.mjs (plain JS, run on the built dist by run.mjs).
import type { InteropCase } from './cases.mjs';
export const GROUPS12: string[];
export const SCHEMES12: Record<string, [string, string]>;
export function opensslSuites12(registry: readonly unknown[]): unknown[];
export function matrixCases12(registry: readonly unknown[]): InteropCase[];
export function featureCases12(): InteropCase[];
export function productCases12(registry: readonly unknown[]): InteropCase[];
