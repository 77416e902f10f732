import { describe, expect, it } from 'vitest';
import {
  type FlagSpec,
  formatHelp,
  integerFlag,
  numberFlag,
  parseArgs,
  stringFlag,
  stringFlags,
  UsageError,
} from './args.js';

const specs: FlagSpec[] = [
  { name: 'connect', value: 'HOST:PORT', help: 'where to connect' },
  { name: 'CAfile', value: 'FILE', help: 'trusted roots' },
  { name: 'quiet', help: 'less output' },
  { name: 'alpn', value: 'LIST', help: 'protocols', repeatable: true },
  { name: 'naccept', value: 'N', help: 'connections to serve' },
];

describe('parseArgs', () => {
  it('parses values, booleans, repeatables and positionals', () => {
    const args = parseArgs(['-connect', 'a:1', '-quiet', '-alpn', 'h2', '-alpn', 'x', 'leaf.pem'], specs);
    expect(stringFlag(args, 'connect')).toBe('a:1');
    expect(args.flags.get('quiet')).toEqual([true]);
    expect(stringFlags(args, 'alpn')).toEqual(['h2', 'x']);
    expect(args.positional).toEqual(['leaf.pem']);
    expect(args.help).toBe(false);
  });

  it('rejects unknown flags with a suggestion, missing values and repeats', () => {
    expect(() => parseArgs(['-conect', 'x'], specs)).toThrow(/unknown option -conect \(did you mean -connect\?\)/);
    expect(() => parseArgs(['-CAfile'], specs)).toThrow(/needs a value \(FILE\)/);
    expect(() => parseArgs(['-quiet', '-quiet'], specs)).toThrow(UsageError);
  });

  it('checks integer bounds', () => {
    expect(integerFlag(parseArgs(['-naccept', '3'], specs), 'naccept', 1, 10)).toBe(3);
    expect(() => integerFlag(parseArgs(['-naccept', '3x'], specs), 'naccept', 1, 10)).toThrow(/integer from 1 to 10/);
    expect(() => integerFlag(parseArgs(['-naccept', '0'], specs), 'naccept', 1, 10)).toThrow(UsageError);
  });

  it('checks decimal number bounds', () => {
    const value = (raw: string) => numberFlag(parseArgs(['-naccept', raw], specs), 'naccept', 0.01, 10);
    expect(value('0.2')).toBe(0.2);
    expect(value('.5')).toBe(0.5);
    expect(value('3')).toBe(3);
    expect(numberFlag(parseArgs([], specs), 'naccept', 0.01, 10)).toBeUndefined();
    for (const raw of ['0', '11', '1e1', '-1', '2s', '', 'NaN'])
      expect(() => value(raw)).toThrow(/number from 0.01 to 10/);
  });

  it('recognises help and renders it', () => {
    expect(parseArgs(['--help'], specs).help).toBe(true);
    const text = formatHelp('sslsocket x [options]', specs, ['sslsocket x -quiet']);
    expect(text).toContain('-connect HOST:PORT');
    expect(text).toContain('examples:');
  });
});
