/**
 * The OTLP/HTTP JSON metrics receiver of the end-to-end tests (the same as
 * packages/otel/test/otlp-json-receiver.ts, which another project compiles).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One OTLP/JSON `KeyValue`. */
interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}

/** One OTLP/JSON number data point (`NumberDataPoint`). */
export interface OtlpNumberPoint {
  attributes?: KeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  asDouble?: number;
  asInt?: string | number;
}

/** One OTLP/JSON metric of a gauge or a sum. */
export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  gauge?: { dataPoints: OtlpNumberPoint[] };
  sum?: { dataPoints: OtlpNumberPoint[]; aggregationTemporality: number; isMonotonic: boolean };
}

/** An `ExportMetricsServiceRequest` as OTLP/JSON. */
export interface OtlpMetricsRequest {
  resourceMetrics: Array<{
    resource: { attributes: KeyValue[] };
    scopeMetrics: Array<{ scope: { name: string; version?: string }; metrics: OtlpMetric[] }>;
  }>;
}

/** A flattened data point: the metric it belongs to, its attributes as a plain object, its value. */
export interface FlatPoint {
  metric: OtlpMetric;
  scope: string;
  attributes: Record<string, unknown>;
  value: number;
  point: OtlpNumberPoint;
}

/** `AnyValue` as a plain value (strings, booleans, numbers; int64 strings as numbers). */
function anyValue(v: Record<string, unknown>): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  return v;
}

/** `KeyValue[]` as a plain object. */
export function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

/** Every number data point of one request, flattened. */
export function flatten(request: OtlpMetricsRequest): FlatPoint[] {
  const out: FlatPoint[] = [];
  for (const rm of request.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        for (const point of (metric.gauge ?? metric.sum)?.dataPoints ?? []) {
          const value = point.asDouble ?? Number(point.asInt);
          out.push({
            metric,
            scope: sm.scope.name,
            attributes: attributesOf(point.attributes),
            value,
            point,
          });
        }
      }
    }
  }
  return out;
}

/**
 * A minimal OTLP/HTTP JSON receiver on 127.0.0.1 (ephemeral port): keeps the
 * parsed body of every `POST /v1/metrics` and answers 200 `{}`, as a
 * collector does.
 */
export class OtlpJsonReceiver {
  /** Parsed bodies of `POST /v1/metrics`, oldest first. */
  readonly metrics: OtlpMetricsRequest[] = [];
  /** Content types of the requests received. */
  readonly contentTypes: string[] = [];
  private readonly _server: Server;

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

  close(): Promise<void> {
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
      this.contentTypes.push(String(req.headers['content-type']));
      try {
        this.metrics.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
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
  receiver: OtlpJsonReceiver,
  name: string,
  attrs: Record<string, string>
): number | undefined {
  const last = receiver.metrics[receiver.metrics.length - 1];
  return last === undefined ? undefined : valueIn(last, name, attrs);
}
