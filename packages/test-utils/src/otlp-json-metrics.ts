/** OTLP/JSON metrics as the test receivers keep them, and a flat view of their points. */

/** One OTLP/JSON `KeyValue`. */
export interface KeyValue {
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
