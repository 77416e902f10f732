/**
 * OpenSSL-style command-line parsing: single-dash flags (`-connect host:port`), flags that take a
 * value or none, positional arguments, and `--help`. Kept deliberately small and strict so every
 * typo gets a readable error instead of being silently ignored.
 */

/** One flag a command accepts. */
export interface FlagSpec {
  /** Name without the dash, exactly as OpenSSL spells it (`connect`, `CAfile`, `verify_return_error`). */
  readonly name: string;
  /** The value's placeholder in help (`HOST:PORT`); absent for boolean flags. */
  readonly value?: string;
  readonly help: string;
  /** The flag may be given more than once; all values are kept. */
  readonly repeatable?: boolean;
}

/** What a parse produced: flag values by name, booleans as `true`, and the positional arguments. */
export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, readonly (string | true)[]>;
  readonly positional: readonly string[];
  readonly help: boolean;
}

/** A usage error: bad flag, missing value, bad number. The CLI prints it and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses `argv` against `specs`; `--help`, `-help` and `-h` set `help`. */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const flags = new Map<string, (string | true)[]>();
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const name = arg.replace(/^--?/, '');
    const spec = byName.get(name);
    if (spec === undefined) {
      const hint = closest(name, [...byName.keys()]);
      throw new UsageError(`unknown option ${arg}${hint === undefined ? '' : ` (did you mean -${hint}?)`}`);
    }
    let value: string | true = true;
    if (spec.value !== undefined) {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`option -${spec.name} needs a value (${spec.value})`);
      value = next;
      i++;
    }
    const seen = flags.get(spec.name);
    if (seen !== undefined && spec.repeatable !== true) {
      throw new UsageError(`option -${spec.name} given more than once`);
    }
    if (seen === undefined) flags.set(spec.name, [value]);
    else seen.push(value);
  }
  return { flags, positional, help };
}

/** The value of a flag that takes one, or undefined when absent. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name)?.at(-1);
  return typeof value === 'string' ? value : undefined;
}

/** All values of a repeatable flag. */
export function stringFlags(args: ParsedArgs, name: string): string[] {
  return (args.flags.get(name) ?? []).filter((value): value is string => typeof value === 'string');
}

/** True when a boolean flag was given. */
export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}

/** An integer flag within bounds; a malformed value is a UsageError naming the flag. */
export function integerFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`option -${name} wants an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** A decimal number flag within bounds (`-seconds 0.5`); a malformed value is a UsageError naming the flag. */
export function numberFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`option -${name} wants a number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** Renders a help screen: usage line, flag table, examples. */
export function formatHelp(usage: string, specs: readonly FlagSpec[], examples: readonly string[]): string {
  const left = specs.map((spec) => `  -${spec.name}${spec.value === undefined ? '' : ` ${spec.value}`}`);
  const width = Math.max(0, ...left.map((text) => text.length)) + 2;
  const lines = [`usage: ${usage}`, '', 'options:'];
  specs.forEach((spec, i) => {
    lines.push(`${(left[i] as string).padEnd(width)}${spec.help}`);
  });
  if (examples.length > 0) lines.push('', 'examples:', ...examples.map((example) => `  ${example}`));
  return `${lines.join('\n')}\n`;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
