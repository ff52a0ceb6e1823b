/**
 * Instrumentation scope of the `slo.*` instruments. The name stays
 * `@burnrate/otel`, as before `SloMetrics` had a package of its own, so that
 * `otel_scope_name` on existing dashboards and queries does not change.
 */
export const METER_NAME = '@burnrate/otel';
