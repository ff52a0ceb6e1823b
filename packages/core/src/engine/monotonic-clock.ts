import type { Clock } from '../types';

/** A source of monotonic milliseconds (`performance`, or a fake in tests). */
export interface MonotonicSource {
  /** Milliseconds since an arbitrary origin; never goes back. */
  now(): number;
}

/** Options of {@link MonotonicClock}. */
export interface MonotonicClockOptions {
  /** Wall clock read once, at construction, as the anchor. @default Date.now */
  wallNow?: () => number;
  /** Monotonic source. @default the global `performance` */
  monotonic?: MonotonicSource;
}

/**
 * Wall time that only moves forward at the rate of a monotonic clock: the wall
 * clock is read once, at construction, and every later reading adds the
 * monotonic time elapsed since. An NTP step of the system clock therefore moves
 * no window: stepped forward it does not age the windows (blinding them), stepped
 * back it does not freeze them.
 */
export class MonotonicClock implements Clock {
  private readonly _monotonic: MonotonicSource;
  /** Wall time at construction minus the monotonic reading then. */
  private readonly _offsetMs: number;

  constructor(options: MonotonicClockOptions = {}) {
    this._monotonic = options.monotonic ?? performance;
    const wall = (options.wallNow ?? Date.now)();
    this._offsetMs = wall - this._monotonic.now();
  }

  /** Milliseconds since the Unix epoch, by the anchor and the monotonic time since. */
  now(): number {
    return this._offsetMs + this._monotonic.now();
  }
}
