// Types for driver.mjs (see there).
export function makeCredentials(types: string[], cn?: string): unknown;
export function removeCredentials(creds: unknown): void;
export function killAll(): void;
