/**
 * The OTLP trace export request as a protobufjs schema, built with the
 * reflection API (`Type`, `Field`, `OneOf`, `Enum`) from
 * opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto: the
 * "full decode" baseline of the ingest benchmark, and the independent reference
 * decoder of the reliability tests.
 */
import * as protobuf from 'protobufjs';

type FieldSpec = [name: string, id: number, type: string, rule?: 'repeated'];

/** The `ExportTraceServiceRequest` type. */
export function exportTraceServiceRequestType(): protobuf.Type {
  const root = new protobuf.Root();
  const ns = root.define('opentelemetry.proto');
  const message = (name: string, fields: FieldSpec[], oneof?: [string, string[]]) => {
    const t = new protobuf.Type(name);
    for (const [n, id, type, rule] of fields) t.add(new protobuf.Field(n, id, type, rule));
    if (oneof) t.add(new protobuf.OneOf(oneof[0], oneof[1]));
    ns.add(t);
  };
  ns.add(
    new protobuf.Enum('SpanKind', {
      SPAN_KIND_UNSPECIFIED: 0,
      SPAN_KIND_INTERNAL: 1,
      SPAN_KIND_SERVER: 2,
      SPAN_KIND_CLIENT: 3,
      SPAN_KIND_PRODUCER: 4,
      SPAN_KIND_CONSUMER: 5,
    })
  );
  ns.add(
    new protobuf.Enum('StatusCode', {
      STATUS_CODE_UNSET: 0,
      STATUS_CODE_OK: 1,
      STATUS_CODE_ERROR: 2,
    })
  );
  message(
    'AnyValue',
    [
      ['stringValue', 1, 'string'],
      ['boolValue', 2, 'bool'],
      ['intValue', 3, 'int64'],
      ['doubleValue', 4, 'double'],
      ['arrayValue', 5, 'ArrayValue'],
      ['kvlistValue', 6, 'KeyValueList'],
      ['bytesValue', 7, 'bytes'],
    ],
    [
      'value',
      [
        'stringValue',
        'boolValue',
        'intValue',
        'doubleValue',
        'arrayValue',
        'kvlistValue',
        'bytesValue',
      ],
    ]
  );
  message('ArrayValue', [['values', 1, 'AnyValue', 'repeated']]);
  message('KeyValueList', [['values', 1, 'KeyValue', 'repeated']]);
  message('KeyValue', [
    ['key', 1, 'string'],
    ['value', 2, 'AnyValue'],
  ]);
  message('Resource', [
    ['attributes', 1, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 2, 'uint32'],
  ]);
  message('InstrumentationScope', [
    ['name', 1, 'string'],
    ['version', 2, 'string'],
    ['attributes', 3, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 4, 'uint32'],
  ]);
  message('Status', [
    ['message', 2, 'string'],
    ['code', 3, 'StatusCode'],
  ]);
  message('Event', [
    ['timeUnixNano', 1, 'fixed64'],
    ['name', 2, 'string'],
    ['attributes', 3, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 4, 'uint32'],
  ]);
  message('Link', [
    ['traceId', 1, 'bytes'],
    ['spanId', 2, 'bytes'],
    ['traceState', 3, 'string'],
    ['attributes', 4, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 5, 'uint32'],
    ['flags', 6, 'fixed32'],
  ]);
  message('Span', [
    ['traceId', 1, 'bytes'],
    ['spanId', 2, 'bytes'],
    ['traceState', 3, 'string'],
    ['parentSpanId', 4, 'bytes'],
    ['flags', 16, 'fixed32'],
    ['name', 5, 'string'],
    ['kind', 6, 'SpanKind'],
    ['startTimeUnixNano', 7, 'fixed64'],
    ['endTimeUnixNano', 8, 'fixed64'],
    ['attributes', 9, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 10, 'uint32'],
    ['events', 11, 'Event', 'repeated'],
    ['droppedEventsCount', 12, 'uint32'],
    ['links', 13, 'Link', 'repeated'],
    ['droppedLinksCount', 14, 'uint32'],
    ['status', 15, 'Status'],
  ]);
  message('ScopeSpans', [
    ['scope', 1, 'InstrumentationScope'],
    ['spans', 2, 'Span', 'repeated'],
    ['schemaUrl', 3, 'string'],
  ]);
  message('ResourceSpans', [
    ['resource', 1, 'Resource'],
    ['scopeSpans', 2, 'ScopeSpans', 'repeated'],
    ['schemaUrl', 3, 'string'],
  ]);
  message('ExportTraceServiceRequest', [['resourceSpans', 1, 'ResourceSpans', 'repeated']]);
  root.resolveAll();
  return root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
}
