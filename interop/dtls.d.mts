// Types for dtls.mjs (see there).
import type { InteropCase } from './cases.mjs';
export function dtlsOpensslCases(): InteropCase[];
export function dtlsGnutlsCases(): InteropCase[];
