/**
 * A bound on the bytes of request bodies being read and decoded at once.
 * Reservations past the bound fail (the receiver answers 429 / `UNAVAILABLE`)
 * instead of letting memory grow.
 */
export class InFlightBudget {
  /** The bound in bytes. */
  readonly limitBytes: number;
  private _used = 0;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  /** Bytes reserved now. */
  get usedBytes(): number {
    return this._used;
  }

  /** Whether `bytes` more would fit now. */
  fits(bytes: number): boolean {
    return this._used + bytes <= this.limitBytes;
  }

  /** Reserves `bytes`; false (and nothing reserved) when they do not fit. */
  tryReserve(bytes: number): boolean {
    if (this._used + bytes > this.limitBytes) return false;
    this._used += bytes;
    return true;
  }

  /** Gives back a reservation. */
  release(bytes: number): void {
    this._used = Math.max(0, this._used - bytes);
  }
}
