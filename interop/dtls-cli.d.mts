// Types for dtls-cli.mjs (see there).
import type { InteropCase } from './cases.mjs';
export function dtlsCliCases(): InteropCase[];
