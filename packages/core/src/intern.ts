/**
 * The internalized copy of `s` (property keys are internalized): two
 * internalized strings compare by pointer, any other pair by content. For
 * strings compared on the per-span path (a span's `service.name` against an
 * SLO's `service`), interned once when they are read.
 */
export function internString(s: string): string {
  const o: Record<string, true> = {};
  o[s] = true;
  for (const k in o) return k;
  return s;
}
