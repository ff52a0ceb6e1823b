import { EventEmitter } from 'node:events';
import {
  Metadata,
  ServerInterceptingCall,
  status as GrpcStatus,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import type { BudgetHolder, InFlightBudget } from './in-flight-budget';

/** Options of {@link grpcReadGate}. */
export interface GrpcReadGateOptions {
  /** The budget shared with OTLP/HTTP. */
  budget: InFlightBudget;
  /** `grpc.max_receive_message_length`: the largest message, compressed or inflated. */
  maxMessageBytes: number;
  /** Called with the status code name when the gate answers a call itself (to count it). */
  onAnswer(code: 'UNAVAILABLE' | 'DEADLINE_EXCEEDED'): void;
}

/**
 * A server interceptor that bounds what grpc-js holds before the handler
 * runs. grpc-js reads a call's message (buffering it whole, then inflating
 * it) only once the handler asks to read; this gate asks first for room in
 * the in-flight budget: twice the largest message (the compressed bytes and
 * what they inflate to), given back down to the message's size once it has
 * arrived, and in full when the call ends. A call that finds no room is
 * answered `UNAVAILABLE` with `retry-after` before a byte of its message is
 * read; a call that has not received its message within the budget's stall
 * time may be evicted (`DEADLINE_EXCEEDED`) when another needs the room, and
 * is after the body timeout in any case.
 */
export function grpcReadGate(options: GrpcReadGateOptions): ServerInterceptor {
  return (_method, call) => new ServerInterceptingCall(new GatedCall(call, options));
}

type Listener = Parameters<ServerInterceptingCallInterface['start']>[0];
type PartialStatusObject = Parameters<ServerInterceptingCallInterface['sendStatus']>[0];

class GatedCall implements ServerInterceptingCallInterface {
  private readonly _next: ServerInterceptingCallInterface;
  private readonly _o: GrpcReadGateOptions;
  private _holder: BudgetHolder | undefined;
  private _ended = false;

  constructor(next: ServerInterceptingCallInterface, options: GrpcReadGateOptions) {
    this._next = next;
    this._o = options;
  }

  start(listener: Listener): void {
    this._next.start({
      onReceiveMetadata: m => listener.onReceiveMetadata(m),
      onReceiveMessage: (message: unknown) => {
        const h = this._holder;
        if (h !== undefined) {
          const budget = this._o.budget;
          budget.received(h);
          const size = Buffer.isBuffer(message) ? message.length : 0;
          budget.release(h, h.bytes - size);
        }
        listener.onReceiveMessage(message);
      },
      onReceiveHalfClose: () => listener.onReceiveHalfClose(),
      onCancel: () => {
        this._end();
        listener.onCancel();
      },
    });
  }

  startRead(): void {
    if (this._ended) return;
    if (this._holder === undefined) {
      const budget = this._o.budget;
      const h = budget.open(why => {
        this._holder = undefined;
        const code = why === 'timeout' ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE';
        this._o.onAnswer(code);
        this.sendStatus(
          why === 'timeout'
            ? {
                code: GrpcStatus.DEADLINE_EXCEEDED,
                details: 'the request stalled; send it without pausing',
              }
            : this._busy()
        );
      });
      if (!budget.reserve(h, 2 * this._o.maxMessageBytes)) {
        budget.close(h);
        this._o.onAnswer('UNAVAILABLE');
        this.sendStatus(this._busy());
        return;
      }
      this._holder = h;
      this._watch(h);
    }
    this._next.startRead();
  }

  private _busy(): PartialStatusObject {
    const metadata = new Metadata();
    metadata.set('retry-after', '1');
    return {
      code: GrpcStatus.UNAVAILABLE,
      details: `too many bytes in flight (limit ${this._o.budget.limitBytes}); retry later`,
      metadata,
    };
  }

  sendStatus(status: PartialStatusObject): void {
    this._end();
    this._next.sendStatus(status);
  }

  sendMetadata(metadata: Metadata): void {
    this._next.sendMetadata(metadata);
  }

  sendMessage(message: unknown, callback: () => void): void {
    this._next.sendMessage(message, callback);
  }

  getPeer(): string {
    return this._next.getPeer();
  }

  getDeadline(): ReturnType<ServerInterceptingCallInterface['getDeadline']> {
    return this._next.getDeadline();
  }

  getHost(): string {
    return this._next.getHost();
  }

  getAuthContext(): ReturnType<ServerInterceptingCallInterface['getAuthContext']> {
    return this._next.getAuthContext();
  }

  getConnectionInfo(): ReturnType<ServerInterceptingCallInterface['getConnectionInfo']> {
    return this._next.getConnectionInfo();
  }

  getMetricsRecorder(): ReturnType<ServerInterceptingCallInterface['getMetricsRecorder']> {
    return this._next.getMetricsRecorder();
  }

  /**
   * Follows the bytes of the call's message as they arrive (the HTTP/2 stream
   * under grpc-js's own call, when it is there): each chunk is progress, and a
   * message received whole is being decoded, no longer evictable. Without the
   * stream, the call counts as stalled once the budget's stall time has passed.
   */
  private _watch(h: BudgetHolder): void {
    const stream = (this._next as { stream?: unknown }).stream;
    if (!(stream instanceof EventEmitter)) return;
    const budget = this._o.budget;
    const prefix = Buffer.alloc(5);
    let seen = 0;
    const onData = (chunk: Buffer) => {
      if (this._holder !== h) return void stream.removeListener('data', onData);
      for (let i = 0; seen + i < 5 && i < chunk.length; i++) prefix[seen + i] = chunk[i];
      seen += chunk.length;
      budget.progress(h, chunk.length);
      if (seen >= 5 && seen >= 5 + prefix.readUInt32BE(1)) {
        budget.received(h);
        stream.removeListener('data', onData);
      }
    };
    stream.prependListener('data', onData);
  }

  private _end(): void {
    this._ended = true;
    if (this._holder !== undefined) {
      this._o.budget.close(this._holder);
      this._holder = undefined;
    }
  }
}
