/**
 * Inline certificates and keys: from nginx 1.15.10 a `*_ssl_certificate` or
 * `*_ssl_certificate_key` value starting with `data:` is PEM text, not a path
 * (ngx_ssl_load_certificate / ngx_ssl_load_certificate_key read it from memory with
 * BIO_new_mem_buf). The text goes through the same inspection as a file, so hovers, key
 * matching, expiry and "not PEM" checks apply alike.
 *
 * The value is key material for a key: it is never put in a message, a hover or a log.
 * What stands in for it is INLINE_DATA_LABEL, which is also how nginx's error lines begin.
 */
import { createHash } from 'node:crypto';

export const INLINE_PREFIX = 'data:';

/** How messages and hovers name an inline value. */
export const INLINE_DATA_LABEL = 'data:…';

/** nginx reads certificates and keys inline from this version on. */
export const INLINE_DATA_SINCE = '1.15.10';

export function isInlineData(value: string): boolean {
  return value.startsWith(INLINE_PREFIX);
}

/** The bytes nginx reads from a `data:` value. */
export function inlineDataBytes(value: string): Buffer {
  return Buffer.from(value.slice(INLINE_PREFIX.length), 'utf8');
}

/** A cache key for a `data:` value that does not hold the value itself. */
export function inlineDataDigest(value: string): string {
  return createHash('sha256').update(value).digest('base64');
}
