import { afterEach, describe, expect, it } from 'vitest';
import { setPublicSuffixList, wildcardCoversPublicSuffix } from './dns-name.js';

afterEach(() => setPublicSuffixList(undefined));

describe('the Public Suffix List behind the wildcard rule (CABF BR 3.2.2.6, RFC 6125 §7.2)', () => {
  it('on Node the whole list is built in: ICANN and private sections', () => {
    expect(wildcardCoversPublicSuffix('*.co.uk')).toBe(true);
    expect(wildcardCoversPublicSuffix('*.s3.amazonaws.com')).toBe(true);
    expect(wildcardCoversPublicSuffix('*.com')).toBe(true);
    expect(wildcardCoversPublicSuffix('*.example.co.uk')).toBe(false);
    expect(wildcardCoversPublicSuffix('*.example.com')).toBe(false);
  });

  it('null turns the list off (as in a browser bundle): only a single-label suffix counts', () => {
    setPublicSuffixList(null);
    expect(wildcardCoversPublicSuffix('*.com')).toBe(true);
    expect(wildcardCoversPublicSuffix('*.co.uk')).toBe(false);
    expect(wildcardCoversPublicSuffix('*.example.com')).toBe(false);
  });

  it('an injected lookup decides, and undefined restores the built-in list', () => {
    const asked: string[] = [];
    setPublicSuffixList((domain) => {
      asked.push(domain);
      return domain === 'corp.example' ? 'corp.example' : null;
    });
    expect(wildcardCoversPublicSuffix('*.corp.example')).toBe(true);
    expect(wildcardCoversPublicSuffix('*.co.uk')).toBe(false);
    expect(asked).toEqual(['corp.example', 'co.uk']);
    setPublicSuffixList(undefined);
    expect(wildcardCoversPublicSuffix('*.co.uk')).toBe(true);
    expect(wildcardCoversPublicSuffix('*.corp.example')).toBe(false);
  });
});
