/**
 * A small direct-mapped cache from UTF-8 byte ranges to strings. Attribute
 * values that classification reads (methods, routes, service names) repeat
 * from span to span; a hit returns the same string without allocating.
 */
export class StringCache {
  private readonly _mask: number;
  private readonly _bytes: Array<Buffer | undefined>;
  private readonly _strings: Array<string | undefined>;
  private readonly _maxLength: number;

  /**
   * @param size number of slots, a power of two; @default 1024
   * @param maxLength byte ranges longer than this are decoded without caching; @default 96
   */
  constructor(size = 1024, maxLength = 96) {
    let n = 1;
    while (n < size) n <<= 1;
    this._mask = n - 1;
    this._bytes = new Array<Buffer | undefined>(n).fill(undefined);
    this._strings = new Array<string | undefined>(n).fill(undefined);
    this._maxLength = maxLength;
  }

  /** The string of `buf[start, end)`, decoded as UTF-8. */
  get(buf: Buffer, start: number, end: number): string {
    const len = end - start;
    if (len === 0) return '';
    if (len > this._maxLength) return buf.toString('utf8', start, end);
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slot = (h ^ (h >>> 15)) & this._mask;
    const cached = this._bytes[slot];
    if (cached !== undefined && cached.length === len) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (cached[i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return this._strings[slot]!;
    }
    const s = buf.toString('utf8', start, end);
    this._bytes[slot] = Buffer.from(buf.subarray(start, end));
    this._strings[slot] = s;
    return s;
  }
}
