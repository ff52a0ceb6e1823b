import {
  type Metadata,
  status as GrpcStatus,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { bearerTokenMatches } from '@burnrate/status';
import { encodeExportResponseProto } from './otlp-response';
import type { ReceiverContext } from './receiver-context';

/** Full method path of the OTLP trace export. */
export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** What the handler answers: the `partial_success` fields. */
export interface ExportAnswer {
  readonly rejectedSpans: number;
  readonly errorMessage: string;
}

const GRPC_CODE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(GrpcStatus)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k])
);

/**
 * The OTLP `TraceService` definition, written by hand: the request stays a
 * Buffer (the collector's own decoder reads it) and the answer is encoded by
 * {@link encodeExportResponseProto}; no `.proto` file is loaded.
 */
export const TRACE_SERVICE_DEFINITION: ServiceDefinition = {
  Export: {
    path: TRACE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (a: ExportAnswer) =>
      encodeExportResponseProto(a.rejectedSpans, a.errorMessage),
    responseDeserialize: (b: Buffer) => b,
    originalName: 'export',
  },
};

/**
 * The gRPC side of the collector: `TraceService/Export` decoded with the same
 * wire walker as OTLP/HTTP protobuf.
 */
export class GrpcReceiver {
  private readonly _ctx: ReceiverContext;

  constructor(ctx: ReceiverContext) {
    this._ctx = ctx;
  }

  /** The implementation to pass to `server.addService`. */
  get implementation(): UntypedServiceImplementation {
    return { Export: this._export };
  }

  private readonly _export = (
    call: ServerUnaryCall<Buffer, ExportAnswer>,
    callback: sendUnaryData<ExportAnswer>
  ): void => {
    const ctx = this._ctx;
    const fail = (code: GrpcStatus, details: string, metadata?: Metadata) => {
      ctx.metrics.countRequest('grpc', GRPC_CODE_NAMES[code] ?? String(code));
      callback({ code, details, metadata });
    };
    if (ctx.token !== undefined) {
      const auth = call.metadata.get('authorization')[0];
      if (
        !bearerTokenMatches(typeof auth === 'string' ? auth : auth?.toString('utf8'), ctx.token)
      ) {
        return fail(GrpcStatus.UNAUTHENTICATED, 'a valid bearer token is required');
      }
    }
    const body = call.request;
    if (!Buffer.isBuffer(body)) return fail(GrpcStatus.INVALID_ARGUMENT, 'empty request');
    if (body.length > ctx.maxBodyBytes) {
      return fail(
        GrpcStatus.RESOURCE_EXHAUSTED,
        `the request is larger than ${ctx.maxBodyBytes} bytes`
      );
    }
    // the read gate (grpc-read-gate.ts) holds this message's bytes in the budget until the answer
    const result = ctx.proto.ingest(body);
    if (result.error !== '') return fail(GrpcStatus.INVALID_ARGUMENT, result.error);
    ctx.metrics.countIngest(result);
    ctx.metrics.countRequest('grpc', 'OK');
    const errorMessage =
      result.rejected > 0
        ? `${result.rejected} of ${result.spans} spans rejected; first: ${result.rejectMessage}`
        : '';
    callback(null, { rejectedSpans: result.rejected, errorMessage });
  };
}
