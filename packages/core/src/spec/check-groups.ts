import { Checker, join, show, type Raw } from './checker';

/** Default `maxGroups`: distinct groups of one SLO before the overflow group takes the rest. */
export const DEFAULT_MAX_GROUPS = 100;
/** Highest `maxGroups` accepted: every group holds the state of a whole SLO. */
export const MAX_MAX_GROUPS = 1000;
/** Most attributes one `groupBy` may name. */
export const MAX_GROUP_BY_KEYS = 8;

/**
 * Prometheus labels the generated rules and the metrics already use: a
 * `groupBy` attribute must not render to one of them.
 */
const RESERVED_LABELS = [
  'slo_name',
  'slo_outcome',
  'slo_window',
  'slo_severity',
  'slo_long_window',
  'slo_short_window',
  'slo_drop_reason',
  'slo_failure_reason',
  'slo_status',
  'severity',
  'alertname',
  'job',
  'instance',
  'le',
  'otel_metric_overflow',
  'otel_scope_name',
  'otel_scope_version',
];

/** A grouped SLO's `groupBy` and `maxGroups`, as validated. */
export interface GroupingSpec {
  readonly groupBy: readonly string[];
  readonly maxGroups: number;
}

/**
 * The Prometheus label an attribute renders to, as the OpenTelemetry Prometheus
 * exporter writes it: every character outside `[a-zA-Z0-9_]` becomes `_`, then
 * runs of `_` become one (`http.route` → `http_route`).
 */
export function groupLabelName(attribute: string): string {
  return attribute.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
}

/**
 * Checks `groupBy` and `maxGroups` of one SLO (`raw` is the SLO's mapping):
 * `groupBy` a list of 1 to {@link MAX_GROUP_BY_KEYS} distinct attribute keys
 * (a single string is a list of one) whose Prometheus labels are distinct and
 * not the labels burnrate itself writes or the SLO's own `labels`; `maxGroups`
 * a whole number from 1 to {@link MAX_MAX_GROUPS}, only with `groupBy`.
 * Returns undefined for an ungrouped SLO (or after an issue).
 */
export function checkGrouping(
  c: Checker,
  raw: Raw,
  path: string,
  labels: Readonly<Record<string, string>>
): GroupingSpec | undefined {
  if (raw.groupBy === undefined) {
    if (raw.maxGroups !== undefined) c.fail(join(path, 'maxGroups'), 'only applies with groupBy');
    return undefined;
  }
  const p = join(path, 'groupBy');
  const value = typeof raw.groupBy === 'string' ? [raw.groupBy] : raw.groupBy;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_GROUP_BY_KEYS)
    return c.fail(
      p,
      `must be a list of 1 to ${MAX_GROUP_BY_KEYS} span attribute keys such as [http.route], got ${show(raw.groupBy)}`
    );
  const groupBy: string[] = [];
  const byLabel = new Map<string, string>();
  let ok = true;
  value.forEach((key, i) => {
    const at = `${p}[${i}]`;
    if (typeof key !== 'string' || key.trim() === '' || key !== key.trim()) {
      ok = c.fail(at, `must be an attribute key, got ${show(key)}`) ?? false;
      return;
    }
    const label = groupLabelName(key);
    const same = byLabel.get(label);
    if (same !== undefined) {
      ok =
        c.fail(
          at,
          same === key
            ? `${show(key)} is listed twice`
            : `${show(key)} and ${show(same)} are both the Prometheus label ${label}`
        ) ?? false;
      return;
    }
    if (/^[0-9]/.test(label)) {
      ok =
        c.fail(at, `${show(key)} would be the label ${label}, which may not start with a digit`) ??
        false;
      return;
    }
    if (RESERVED_LABELS.includes(label)) {
      ok =
        c.fail(at, `${show(key)} would be the label ${label}, which burnrate writes itself`) ??
        false;
      return;
    }
    if (Object.prototype.hasOwnProperty.call(labels, label)) {
      ok =
        c.fail(at, `${show(key)} would be the label ${label}, which the SLO's labels set`) ?? false;
      return;
    }
    byLabel.set(label, key);
    groupBy.push(key);
  });
  let maxGroups = DEFAULT_MAX_GROUPS;
  if (raw.maxGroups !== undefined) {
    const n = raw.maxGroups;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_MAX_GROUPS)
      return c.fail(
        join(path, 'maxGroups'),
        `must be a whole number from 1 to ${MAX_MAX_GROUPS}, got ${show(n)}`
      );
    maxGroups = n;
  }
  return ok ? { groupBy, maxGroups } : undefined;
}
