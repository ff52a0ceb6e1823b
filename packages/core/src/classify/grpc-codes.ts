/** gRPC status codes by name (`OK` = 0 … `UNAUTHENTICATED` = 16). */
export const GRPC_CODE_BY_NAME: Readonly<Record<string, number>> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

const CODES: ReadonlyMap<string, number> = new Map(Object.entries(GRPC_CODE_BY_NAME));

/**
 * Codes that mark a gRPC *server* span as an error in the semantic conventions:
 * UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS.
 * Client spans count every non-OK code.
 */
export const GRPC_SERVER_ERROR_CODES: readonly number[] = [2, 4, 12, 13, 14, 15];

/** Reads a gRPC code from an integer or a string (name or digits); -1 when unknown. */
export function grpcCodeOf(value: unknown): number {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 0 && value <= 16 ? value : -1;
  if (typeof value === 'bigint') return value >= 0n && value <= 16n ? Number(value) : -1;
  if (typeof value === 'string') {
    const named = CODES.get(value);
    if (named !== undefined) return named;
    if (value.length > 0 && value.length <= 2) {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 0 && n <= 16) return n;
    }
  }
  return -1;
}
