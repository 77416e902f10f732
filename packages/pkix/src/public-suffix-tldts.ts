/**
 * The `#public-suffix` module on Node, Deno and Bun: the whole Public Suffix List (ICANN and
 * private sections) as the `tldts` package ships it. Browser bundles get `public-suffix-none`
 * instead and so leave the list's ~48 KiB (gzipped) out; see `setPublicSuffixList`.
 * @module
 */
import { getPublicSuffix } from 'tldts';

/** The public suffix of `domain` by the full list, private section included. */
export const defaultPublicSuffix: ((domain: string) => string | null) | undefined = (domain) =>
  getPublicSuffix(domain, { allowPrivateDomains: true });
