// Types for tlslite.mjs (see there).
import type { InteropCase } from './cases.mjs';
export interface TlsliteFound {
  dir?: string;
  python?: string;
  brotli: boolean;
  why?: string;
}
export function findTlslite(): TlsliteFound;
export function tlsliteCases(found: TlsliteFound): InteropCase[];
