/**
 * The `#public-suffix` module in browser bundles: no list is built in (it would more than double
 * the size of a client). A page that wants the wildcard rule to consult the Public Suffix List
 * passes a lookup to `setPublicSuffixList`; until then only a wildcard over a top-level domain
 * (`*.com`) is refused. Nothing here imports a `node:` module.
 * @module
 */

/** No list: undefined tells the caller to fall back to the single-label rule. */
export const defaultPublicSuffix: ((domain: string) => string | null) | undefined = undefined;
