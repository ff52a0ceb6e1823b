import type { SloEngine } from '@burnrate/core';
import type { CollectorMetrics } from '../collector-metrics';
import type { InFlightBudget } from './in-flight-budget';
import type { JsonTraceDecoder } from '../otlp/json-trace-decoder';
import type { ProtoTraceDecoder } from '../otlp/proto-trace-decoder';
import type { CollectorLogger } from '../types';

/** What the HTTP and gRPC receivers share. */
export interface ReceiverContext {
  readonly engine: SloEngine;
  readonly proto: ProtoTraceDecoder;
  readonly json: JsonTraceDecoder;
  readonly budget: InFlightBudget;
  readonly metrics: CollectorMetrics;
  readonly maxBodyBytes: number;
  /** Longest time a request may go without progress. */
  readonly idleTimeoutMs: number;
  readonly token: string | undefined;
  readonly logger: CollectorLogger;
  /** Whether the collector is ready (state restored, not closing). */
  isReady(): boolean;
  /** Why the last state snapshot failed, '' when it did not (or there is no state file). */
  snapshotError(): string;
}
