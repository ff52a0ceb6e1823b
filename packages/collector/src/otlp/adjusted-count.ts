/**
 * Adjusted counts of probability-sampled spans, from the OpenTelemetry sampling
 * threshold that a span declares in its W3C `tracestate`: the `th` sub-key of
 * the `ot` list member (`ot=th:8` — a rejection threshold of 8/16, so one span in
 * two is kept and each kept span stands for two).
 *
 * The threshold is up to 14 hex digits with trailing zeros left out; as a
 * fraction of 2^56 it is the share of traces rejected, so the sampling
 * probability is `1 − T / 2^56` and the adjusted count its inverse. No `ot`
 * member, no `th`, or a malformed value: the span counts once.
 */

const TWO_56 = 2 ** 56;
const C_COMMA = 0x2c;
const C_SEMI = 0x3b;
const C_SPACE = 0x20;
const C_TAB = 0x09;
const C_EQ = 0x3d;
const C_COLON = 0x3a;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1; // the specification writes lower case only
}

/**
 * The adjusted count declared by the tracestate bytes `buf[start, end)`: 1 when
 * none is declared. Reads the bytes in place (no allocation).
 */
export function adjustedCountAt(buf: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end) {
    while (p < end && (buf[p] === C_SPACE || buf[p] === C_TAB || buf[p] === C_COMMA)) p++;
    // list member key
    if (p + 2 < end && buf[p] === 0x6f && buf[p + 1] === 0x74 && buf[p + 2] === C_EQ) {
      return thresholdCount(buf, p + 3, end);
    }
    while (p < end && buf[p] !== C_COMMA) p++;
  }
  return 1;
}

/** Reads `th:` among the `;`-separated sub-keys of an `ot` value starting at `p`. */
function thresholdCount(buf: Uint8Array, p: number, end: number): number {
  while (p < end && buf[p] !== C_COMMA) {
    if (p + 2 < end && buf[p] === 0x74 && buf[p + 1] === 0x68 && buf[p + 2] === C_COLON) {
      let q = p + 3;
      let t = 0;
      let digits = 0;
      while (q < end && buf[q] !== C_SEMI && buf[q] !== C_COMMA) {
        const v = hexValue(buf[q]);
        if (v < 0 || digits === 14) return 1;
        t = t * 16 + v;
        digits++;
        q++;
      }
      if (digits === 0) return 1;
      const threshold = t * 16 ** (14 - digits);
      return TWO_56 / (TWO_56 - threshold);
    }
    while (p < end && buf[p] !== C_SEMI && buf[p] !== C_COMMA) p++;
    if (p < end && buf[p] === C_SEMI) p++;
  }
  return 1;
}

const encoder = new TextEncoder();

/** {@link adjustedCountAt} of a tracestate string (the OTLP/JSON `traceState`). */
export function adjustedCount(traceState: string | undefined): number {
  if (traceState === undefined || traceState === '' || traceState.indexOf('ot=') < 0) return 1;
  const bytes = encoder.encode(traceState);
  return adjustedCountAt(bytes, 0, bytes.length);
}
