/**
 * Issue #6, 3: the memory of one SLO's state with every default window (a 28 d
 * SLO window and the seven alert windows), measured as heap after a full
 * collection, before and after 10 M events; side by side, the seed library's
 * design (a deque of `{ time, good }` per observation, trimmed to the window)
 * after one hour at 1,000 events/s (3.6 M entries).
 */
import { SloEngine } from '@burnrate/core';
import { specWith } from './fixtures';
import { bytes, heapAfterGc, report, SMOKE } from './harness';

/** Target of issue #6: one SLO's state with every default window. */
export const TARGET_STATE_BYTES = 256 * 1024;

/** An observation of the deque design. */
interface Observation {
  time: number;
  good: boolean;
}

/** The seed library's window: every observation, trimmed to the window from the front. */
class ObservationDeque {
  private readonly _items: Observation[] = [];
  private _head = 0;
  constructor(private readonly _windowMs: number) {}
  record(time: number, good: boolean): void {
    this._items.push({ time, good });
    const cutoff = time - this._windowMs;
    while (this._head < this._items.length && this._items[this._head].time <= cutoff) this._head++;
    if (this._head > 1024 && this._head * 2 > this._items.length) {
      this._items.splice(0, this._head);
      this._head = 0;
    }
  }
  get size(): number {
    return this._items.length - this._head;
  }
}

export async function run(): Promise<void> {
  const spec = specWith(1);
  const copies = SMOKE ? 20 : 200;
  // heap of one engine with one SLO, averaged over many copies
  const before = heapAfterGc();
  const engines: SloEngine[] = [];
  for (let i = 0; i < copies; i++) engines.push(new SloEngine({ spec }));
  const perSlo = (heapAfterGc() - before) / copies;
  const buckets = engines[0].states[0].byteSize;
  report('one SLO, every default window: window buckets', bytes(buckets));
  report(
    'one SLO, every default window: heap + buffers (engine)',
    bytes(perSlo),
    perSlo / TARGET_STATE_BYTES,
    'of the 256 KiB target'
  );

  // 10 M events at 1,000 events/s (2.8 h of traffic), 1 % bad, into a fresh engine
  engines.length = 0;
  const events = SMOKE ? 200_000 : 10_000_000;
  const t0 = Date.now() - events; // ends at now
  const feed = (engine: SloEngine, n: number) => {
    const state = engine.states[0];
    for (let i = 0; i < n; i++) {
      const bad = i % 100 === 0 ? 1 : 0;
      state.record(t0 + i, t0 + i, 1 - bad, bad);
    }
    engine.snapshot(t0 + n);
  };
  // once on a throwaway engine, so that compiled code is not counted as state
  feed(new SloEngine({ spec }), Math.min(events, 1_000_000));
  const engine = new SloEngine({ spec });
  engine.snapshot(t0);
  const base = heapAfterGc();
  feed(engine, events);
  const grown = heapAfterGc() - base;
  const snap = engine.snapshot(t0 + events);
  if (snap[0].totals.good + snap[0].totals.bad !== events) throw new Error('events were lost');
  report(
    `one SLO: growth over ${(events / 1e6).toFixed(1)} M events`,
    bytes(grown),
    (perSlo + grown) / perSlo,
    `state after / fresh state (${snap[0].windows.length} alert windows)`
  );

  // the deque design after one hour at 1 k events/s
  const entries = SMOKE ? 100_000 : 3_600_000;
  const dequeBefore = heapAfterGc();
  const deque = new ObservationDeque(28 * 86_400_000);
  for (let i = 0; i < entries; i++) deque.record(t0 + i, i % 100 !== 0);
  const dequeBytes = heapAfterGc() - dequeBefore;
  const hour = (dequeBytes / deque.size) * 3_600_000;
  report(
    `deque of observations, ${(entries / 1e6).toFixed(1)} M entries`,
    bytes(dequeBytes),
    dequeBytes / perSlo,
    `vs the rings (${(dequeBytes / deque.size).toFixed(1)} B/entry)`
  );
  report(
    'deque of observations: one hour at 1 k/s (3.6 M)',
    bytes(hour),
    hour / perSlo,
    SMOKE ? 'extrapolated' : 'measured'
  );
  report(
    'deque of observations: 28 days at 1 k/s (2.4 G entries)',
    bytes((dequeBytes / deque.size) * 2.4192e9),
    undefined,
    'extrapolated'
  );
  if (deque.size !== entries) throw new Error('deque lost entries');
}
