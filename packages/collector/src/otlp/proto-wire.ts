/**
 * Protocol Buffers wire format primitives over a byte buffer. Nothing here
 * allocates or throws: a read past the end, an over-long varint or an
 * impossible length sets {@link ProtoReader.error} and moves `pos` to `end`,
 * so a caller's loop stops and it reports the error once.
 */

/** Wire types of the protobuf encoding. */
export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  SGROUP: 3,
  EGROUP: 4,
  I32: 5,
} as const;

const TWO_32 = 4294967296;

/** A cursor over `buf[pos, end)`. */
export class ProtoReader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;
  /** The first wire error, '' when none. */
  error = '';

  /** Points the reader at `buf[start, end)` and clears the error. */
  reset(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.error = '';
  }

  /** Records a wire error (the first one wins) and stops reading. */
  fail(message: string): void {
    if (this.error === '') this.error = message;
    this.pos = this.end;
  }

  /**
   * Reads a varint of up to 2^53 − 1 (tags, lengths, enums, counts); larger
   * values (10-byte negative enums) read as their low 32 bits as unsigned.
   */
  varint(): number {
    const buf = this.buf;
    let p = this.pos;
    if (p < this.end) {
      const b0 = buf[p];
      if (b0 < 0x80) {
        this.pos = p + 1;
        return b0;
      }
      if (p + 1 < this.end) {
        const b1 = buf[p + 1];
        if (b1 < 0x80) {
          this.pos = p + 2;
          return (b0 & 0x7f) | (b1 << 7);
        }
      }
    }
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) {
        this.fail(`truncated varint at byte ${p}`);
        return 0;
      }
      const b = buf[p++];
      if (i < 8) value += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) {
        this.pos = p;
        return value > Number.MAX_SAFE_INTEGER ? value % TWO_32 : value;
      }
    }
    this.fail(`varint longer than 10 bytes at byte ${this.pos}`);
    return 0;
  }

  /**
   * Reads a varint as a signed 64-bit integer: a number when it is a safe
   * integer, a bigint otherwise.
   */
  int64(): number | bigint {
    const start = this.pos;
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let p = start;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) {
        this.fail(`truncated varint at byte ${p}`);
        return 0;
      }
      const b = buf[p++];
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >> 4;
      } else hi |= bits << (7 * i - 32);
      if (b < 0x80) {
        this.pos = p;
        lo >>>= 0;
        if ((hi | 0) >= 0 && hi < 0x200000) return hi * TWO_32 + lo;
        const big = BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo));
        const n = Number(big);
        return Number.isSafeInteger(n) ? n : big;
      }
    }
    this.fail(`varint longer than 10 bytes at byte ${start}`);
    return 0;
  }

  /** Reads a length prefix and checks that the field fits; returns the field's end. */
  lengthEnd(): number {
    const start = this.pos;
    const len = this.varint();
    // a length is a uint32: refuse one with bits past 32 (2^56 + L must not read as L)
    if (this.pos - start > 4 && this._widerThan32(start)) {
      this.fail(`length at byte ${start} does not fit 32 bits`);
      return this.end;
    }
    const end = this.pos + len;
    if (end > this.end) {
      this.fail(
        `length ${len} at byte ${this.pos} runs past the end of its message (byte ${this.end})`
      );
      return this.end;
    }
    return end;
  }

  /** Cold path of {@link lengthEnd}: whether the varint at `start` has a bit set past bit 31. */
  private _widerThan32(start: number): boolean {
    const buf = this.buf;
    if ((buf[start + 4] & 0x70) !== 0) return true;
    for (let p = start + 5; p < this.pos; p++) if ((buf[p] & 0x7f) !== 0) return true;
    return false;
  }

  /** Reads a little-endian fixed64 as a number (exact below 2^53). */
  fixed64(): number {
    const p = this.pos;
    if (p + 8 > this.end) {
      this.fail(`truncated fixed64 at byte ${p}`);
      return 0;
    }
    this.pos = p + 8;
    return this.buf.readUInt32LE(p + 4) * TWO_32 + this.buf.readUInt32LE(p);
  }

  /** Skips one field's value of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.VARINT: {
        const buf = this.buf;
        let p = this.pos;
        const end = this.end;
        while (p < end && buf[p] >= 0x80) p++;
        if (p >= end) this.fail(`truncated varint at byte ${this.pos}`);
        else this.pos = p + 1;
        return;
      }
      case WireType.I64:
        if (this.pos + 8 > this.end) this.fail(`truncated fixed64 at byte ${this.pos}`);
        else this.pos += 8;
        return;
      case WireType.LEN:
        this.pos = this.lengthEnd();
        return;
      case WireType.I32:
        if (this.pos + 4 > this.end) this.fail(`truncated fixed32 at byte ${this.pos}`);
        else this.pos += 4;
        return;
      case WireType.SGROUP:
        this._skipGroup();
        return;
      default:
        this.fail(`invalid wire type ${wireType} at byte ${this.pos}`);
    }
  }

  private _skipGroup(): void {
    let depth = 1;
    while (this.pos < this.end) {
      const tag = this.varint();
      const wt = tag & 7;
      if (wt === WireType.EGROUP) {
        if (--depth === 0) return;
      } else if (wt === WireType.SGROUP) {
        if (++depth > 64) return this.fail('groups nested too deep');
      } else this.skip(wt);
    }
    this.fail('unterminated group');
  }
}

/** Reads a little-endian fixed64 at `p` of `buf` as a number (no bounds check). */
export function fixed64At(buf: Buffer, p: number): number {
  return buf.readUInt32LE(p + 4) * TWO_32 + buf.readUInt32LE(p);
}

/** The name of a wire type, for error messages. */
export function wireTypeName(wt: number): string {
  return ['VARINT', 'I64', 'LEN', 'SGROUP', 'EGROUP', 'I32'][wt] ?? String(wt);
}
