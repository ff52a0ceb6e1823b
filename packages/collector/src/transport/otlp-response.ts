/**
 * Encoders of what the receiver answers: `ExportTraceServiceResponse` (with
 * its `partial_success`) and `google.rpc.Status`, in protobuf or OTLP/JSON.
 */

/** gRPC status codes used in `google.rpc.Status` bodies and gRPC answers. */
export const RpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** Encodes a message of at most one varint field and one string field. */
function encodeVarintAndString(
  varintField: number,
  value: number,
  stringField: number,
  text: string
): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const size =
    (value !== 0 ? 1 + varintLength(value) : 0) +
    (bytes.length > 0 ? 1 + varintLength(bytes.length) + bytes.length : 0);
  const out = Buffer.alloc(size);
  let p = 0;
  if (value !== 0) {
    out[p++] = varintField << 3;
    p = writeVarint(out, p, value);
  }
  if (bytes.length > 0) {
    out[p++] = (stringField << 3) | 2;
    p = writeVarint(out, p, bytes.length);
    bytes.copy(out, p);
  }
  return out;
}

/**
 * `ExportTraceServiceResponse` in protobuf: empty on full success, else
 * `partial_success { rejected_spans, error_message }`.
 */
export function encodeExportResponseProto(rejectedSpans: number, errorMessage: string): Buffer {
  if (rejectedSpans === 0 && errorMessage === '') return Buffer.alloc(0);
  const inner = encodeVarintAndString(1, rejectedSpans, 2, errorMessage);
  const out = Buffer.alloc(1 + varintLength(inner.length) + inner.length);
  out[0] = (1 << 3) | 2;
  inner.copy(out, writeVarint(out, 1, inner.length));
  return out;
}

/** `ExportTraceServiceResponse` in OTLP/JSON (int64 `rejectedSpans` as a decimal string). */
export function encodeExportResponseJson(rejectedSpans: number, errorMessage: string): string {
  if (rejectedSpans === 0 && errorMessage === '') return '{}';
  return JSON.stringify({ partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } });
}

/** `google.rpc.Status { code, message }` in protobuf. */
export function encodeStatusProto(code: number, message: string): Buffer {
  return encodeVarintAndString(1, code, 2, message);
}

/** `google.rpc.Status { code, message }` in OTLP/JSON. */
export function encodeStatusJson(code: number, message: string): string {
  return JSON.stringify({ code, message });
}
