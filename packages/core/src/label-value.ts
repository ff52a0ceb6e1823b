/**
 * Longest label value, in UTF-8 bytes, that burnrate keeps from a span (route,
 * method, RPC service and method, `service.version`, group values): longer
 * values are cut to fit, {@link LABEL_TRUNCATED_MARKER} included.
 */
export const MAX_LABEL_VALUE_BYTES = 256;

/** Ends a truncated label value. */
export const LABEL_TRUNCATED_MARKER = '…[truncated]';

/** UTF-8 length of the marker. */
const MARKER_BYTES = 14;

/** Strings this short (UTF-16 units) fit whatever they hold: 3 bytes per unit at most. */
const ALWAYS_FITS = Math.floor(MAX_LABEL_VALUE_BYTES / 3);

/**
 * `value` when it fits {@link MAX_LABEL_VALUE_BYTES} UTF-8 bytes (returned as
 * is: no allocation), else its longest prefix that fits with
 * {@link LABEL_TRUNCATED_MARKER} appended (never splitting a surrogate pair).
 * Distinct values with the same prefix become one label value: bounded.
 */
export function truncateLabelValue(value: string): string {
  if (value.length <= ALWAYS_FITS) return value;
  let bytes = 0;
  let cut = -1;
  const room = MAX_LABEL_VALUE_BYTES - MARKER_BYTES;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let n: number;
    if (c < 0x80) n = 1;
    else if (c < 0x800) n = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      n = d >= 0xdc00 && d <= 0xdfff ? 4 : 3;
    } else n = 3;
    if (cut < 0 && bytes + n > room) cut = i;
    bytes += n;
    if (n === 4) i++;
    if (bytes > MAX_LABEL_VALUE_BYTES) break;
  }
  if (bytes <= MAX_LABEL_VALUE_BYTES) return value;
  return value.slice(0, cut) + LABEL_TRUNCATED_MARKER;
}
