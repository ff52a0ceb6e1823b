/**
 * The OTLP metrics receiver of the tests: OTLP/HTTP JSON,
 * OTLP/HTTP protobuf and OTLP/gRPC, the protobuf decoded with protobufjs and a
 * schema written here from opentelemetry-proto (metrics/v1, common/v1).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { flatten, type OtlpMetricsRequest } from './otlp-json-metrics';

const ANY_VALUE_FIELDS = {
  stringValue: { type: 'string', id: 1 },
  boolValue: { type: 'bool', id: 2 },
  intValue: { type: 'int64', id: 3 },
  doubleValue: { type: 'double', id: 4 },
};

/** `ExportMetricsServiceRequest`: the fields of gauges and sums (histograms are skipped). */
const METRICS_ROOT = protobuf.Root.fromJSON({
  nested: {
    AnyValue: {
      oneofs: { value: { oneof: Object.keys(ANY_VALUE_FIELDS) } },
      fields: ANY_VALUE_FIELDS,
    },
    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
    Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    InstrumentationScope: {
      fields: { name: { type: 'string', id: 1 }, version: { type: 'string', id: 2 } },
    },
    NumberDataPoint: {
      oneofs: { value: { oneof: ['asDouble', 'asInt'] } },
      fields: {
        attributes: { rule: 'repeated', type: 'KeyValue', id: 7 },
        startTimeUnixNano: { type: 'fixed64', id: 2 },
        timeUnixNano: { type: 'fixed64', id: 3 },
        asDouble: { type: 'double', id: 4 },
        asInt: { type: 'sfixed64', id: 6 },
      },
    },
    Gauge: { fields: { dataPoints: { rule: 'repeated', type: 'NumberDataPoint', id: 1 } } },
    Sum: {
      fields: {
        dataPoints: { rule: 'repeated', type: 'NumberDataPoint', id: 1 },
        aggregationTemporality: { type: 'int32', id: 2 },
        isMonotonic: { type: 'bool', id: 3 },
      },
    },
    Metric: {
      fields: {
        name: { type: 'string', id: 1 },
        description: { type: 'string', id: 2 },
        unit: { type: 'string', id: 3 },
        gauge: { type: 'Gauge', id: 5 },
        sum: { type: 'Sum', id: 7 },
      },
    },
    ScopeMetrics: {
      fields: {
        scope: { type: 'InstrumentationScope', id: 1 },
        metrics: { rule: 'repeated', type: 'Metric', id: 2 },
      },
    },
    ResourceMetrics: {
      fields: {
        resource: { type: 'Resource', id: 1 },
        scopeMetrics: { rule: 'repeated', type: 'ScopeMetrics', id: 2 },
      },
    },
    ExportMetricsServiceRequest: {
      fields: { resourceMetrics: { rule: 'repeated', type: 'ResourceMetrics', id: 1 } },
    },
  },
});
const METRICS_REQUEST = METRICS_ROOT.lookupType('ExportMetricsServiceRequest');

/** `MetricsService/Export` of OTLP/gRPC. */
const METRICS_EXPORT_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

/**
 * A protobuf `ExportMetricsServiceRequest` in the OTLP/JSON shape: camelCase
 * fields, 64-bit integers as decimal strings, scalars at their defaults written out.
 */
export function decodeMetricsProto(body: Uint8Array): OtlpMetricsRequest {
  return METRICS_REQUEST.toObject(METRICS_REQUEST.decode(body), {
    longs: String,
    defaults: true,
    arrays: true,
    oneofs: false,
  }) as OtlpMetricsRequest;
}

/**
 * A minimal OTLP metrics receiver on 127.0.0.1 (ephemeral ports): keeps every
 * `POST /v1/metrics` (JSON or protobuf, by content type) and, once
 * {@link startGrpc} ran, every gRPC `MetricsService/Export`, decoded to the
 * OTLP/JSON shape; answers success, as a collector does.
 */
export class OtlpMetricsReceiver {
  /** Decoded requests, oldest first. */
  readonly metrics: OtlpMetricsRequest[] = [];
  /** Content types of the requests received (`grpc` for gRPC). */
  readonly contentTypes: string[] = [];
  private readonly _server: Server;
  private _grpc: grpc.Server | undefined;
  private _grpcPort = 0;

  constructor() {
    this._server = createServer((req, res) => this._handle(req, res));
  }

  /** Listens on 127.0.0.1, an ephemeral port. */
  async start(): Promise<this> {
    await new Promise<void>(resolve => this._server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${(this._server.address() as AddressInfo).port}`;
  }

  /** Also listens for OTLP/gRPC on 127.0.0.1, an ephemeral port (plain text). */
  async startGrpc(): Promise<this> {
    const server = new grpc.Server();
    const identity = (b: Buffer): Buffer => b;
    server.addService(
      {
        Export: {
          path: METRICS_EXPORT_PATH,
          requestStream: false,
          responseStream: false,
          requestSerialize: identity,
          requestDeserialize: identity,
          responseSerialize: identity,
          responseDeserialize: identity,
        },
      },
      {
        Export: (
          call: grpc.ServerUnaryCall<Buffer, Buffer>,
          callback: grpc.sendUnaryData<Buffer>
        ) => {
          this.contentTypes.push('grpc');
          this.metrics.push(decodeMetricsProto(call.request));
          callback(null, Buffer.alloc(0));
        },
      }
    );
    this._grpcPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) =>
        e ? reject(e) : resolve(port)
      )
    );
    this._grpc = server;
    return this;
  }

  /** `http://127.0.0.1:<gRPC port>`. */
  get grpcUrl(): string {
    return `http://127.0.0.1:${this._grpcPort}`;
  }

  close(): Promise<void> {
    this._grpc?.forceShutdown();
    this._server.closeAllConnections();
    return new Promise(resolve => this._server.close(() => resolve()));
  }

  private _handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/metrics') {
        res.writeHead(404).end();
        return;
      }
      const contentType = String(req.headers['content-type']);
      const protobufBody = contentType === 'application/x-protobuf';
      this.contentTypes.push(contentType);
      try {
        const body = Buffer.concat(chunks);
        this.metrics.push(
          protobufBody ? decodeMetricsProto(body) : JSON.parse(body.toString('utf8'))
        );
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (protobufBody) res.writeHead(200, { 'content-type': contentType }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }
}

/** The value of the one point of `name` whose attributes include `attrs` in `request`; undefined when none. */
export function valueIn(
  request: OtlpMetricsRequest,
  name: string,
  attrs: Record<string, string>
): number | undefined {
  const hits = flatten(request).filter(
    p => p.metric.name === name && Object.entries(attrs).every(([k, v]) => p.attributes[k] === v)
  );
  if (hits.length > 1)
    throw new Error(`${hits.length} points of ${name} ${JSON.stringify(attrs)} in one export`);
  return hits[0]?.value;
}

/** {@link valueIn} the newest request the receiver got; undefined before the first. */
export function latestValue(
  receiver: OtlpMetricsReceiver,
  name: string,
  attrs: Record<string, string>
): number | undefined {
  const last = receiver.metrics[receiver.metrics.length - 1];
  return last === undefined ? undefined : valueIn(last, name, attrs);
}
