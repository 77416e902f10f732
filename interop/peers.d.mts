// Types for peers.mjs (see there).
import type { InteropCase } from './cases.mjs';
export function hasProgram(command: string, args?: string[]): boolean;
export function gnutlsCases(): InteropCase[];
export function pythonCases(): InteropCase[];
