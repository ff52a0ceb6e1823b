import { SpecError, suggest, type SpecIssue } from './spec-error';

type Raw = Record<string, any>;

/** The OpenSLO kinds burnrate reads (`SLO`, `SLI`, alerting) or accepts and leaves aside. */
export const OPENSLO_KINDS = [
  'SLO',
  'SLI',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
  'Service',
  'DataSource',
] as const;

/** Annotation of an exported AlertCondition keeping the tier's short window. */
export const SHORT_WINDOW_ANNOTATION = 'burnrate/short-window';
/** Annotation of an exported SLO keeping `alerting.runbook`. */
export const RUNBOOK_ANNOTATION = 'burnrate/runbook';
/** Annotation of an exported SLO keeping `groupBy` (attribute keys joined by commas). */
export const GROUP_BY_ANNOTATION = 'burnrate/group-by';
/** Annotation of an exported SLO keeping `maxGroups`. */
export const MAX_GROUPS_ANNOTATION = 'burnrate/max-groups';
/** The metric source type whose `spec` holds burnrate's span selector or good predicates. */
export const BURNRATE_SOURCE = 'burnrate';

/** Whether a parsed YAML document is an OpenSLO document (`apiVersion: openslo/…`). */
export function isOpenSloDocument(doc: unknown): boolean {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    !Array.isArray(doc) &&
    typeof (doc as Raw).apiVersion === 'string' &&
    (doc as Raw).apiVersion.startsWith('openslo/')
  );
}

/**
 * The documents of a YAML stream with OpenSLO's list form spread out: a
 * document that is a sequence of OpenSLO objects (as most published files are
 * written) counts as those objects, in order.
 */
export function spreadDocuments(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v) && v.length > 0 && v.some(isOpenSloDocument)) out.push(...v);
    else out.push(v);
  }
  return out;
}

/** Where a converted SLO came from, to name OpenSLO places in errors. */
export interface OpenSloOrigin {
  /** `documents[2]` (or `documents[0][3]` in list form as spread). */
  readonly path: string;
  /** `SLO checkout-availability` (and the objective when there are several). */
  readonly label: string;
}

class Issues {
  readonly list: SpecIssue[] = [];
  fail(path: string, message: string): undefined {
    this.list.push({ path, message });
    return undefined;
  }
  unsupported(path: string, what: string, instead: string): undefined {
    return this.fail(path, `unsupported: ${what}; ${instead}`);
  }
  keys(obj: Raw, path: string, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const hint = suggest(key, known);
      this.fail(
        `${path}.${key}`,
        `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${known.join(', ')}`
      );
    }
  }
  mapping(value: unknown, path: string): Raw | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Raw;
    return this.fail(path, `must be a mapping, got ${show(value)}`);
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const SHORTHAND = /^(\d+)([mhdwMQY])$/;
const ROLLING_UNIT: Record<string, [number, string]> = {
  m: [1, 'm'],
  h: [1, 'h'],
  d: [1, 'd'],
  w: [1, 'w'],
  M: [30, 'd'],
  Q: [90, 'd'],
  Y: [365, 'd'],
};
const CALENDAR_UNIT: Record<string, string> = { w: 'week', M: 'month', Q: 'quarter' };

/** `(lte | gte | lt | gt)` */
const OPS = ['lte', 'gte', 'lt', 'gt'];

/** Lower-case slug of a display name (`Internal objective` → `internal-objective`). */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A label key Prometheus takes (`app.kubernetes.io/team` → `app_kubernetes_io_team`). */
function labelName(key: string): string {
  const s = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** Whole minutes as a burnrate duration (`5m`, `2h`), for a derived short window. */
function minutes(ms: number): string {
  const m = Math.max(1, Math.round(ms / 60_000));
  return m % 1440 === 0 ? `${m / 1440}d` : m % 60 === 0 ? `${m / 60}h` : `${m}m`;
}

function shorthandMs(text: string): number | undefined {
  const m = SHORTHAND.exec(text);
  if (!m || !'mhdw'.includes(m[2])) return undefined;
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2]]!;
}

/** Everything an SLO may refer to by name. */
interface Registry {
  slis: Map<string, { spec: Raw; path: string }>;
  policies: Map<string, { spec: Raw; path: string }>;
  conditions: Map<string, { doc: Raw; path: string }>;
  sources: Map<string, Raw>;
}

const DOC_KEYS = ['apiVersion', 'kind', 'metadata', 'spec'];
const METADATA_KEYS = ['name', 'displayName', 'labels', 'annotations'];
const SLO_SPEC_KEYS = [
  'description',
  'service',
  'indicator',
  'indicatorRef',
  'timeWindow',
  'budgetingMethod',
  'objectives',
  'alertPolicies',
];
const OBJECTIVE_KEYS = [
  'displayName',
  'op',
  'value',
  'target',
  'targetPercent',
  'timeSliceTarget',
  'timeSliceWindow',
  'indicator',
  'indicatorRef',
  'compositeWeight',
];
const BUDGETING = ['Occurrences', 'Timeslices', 'RatioTimeslices'];

/**
 * Converts OpenSLO v1 documents into a burnrate spec document (validated
 * afterwards as usual), with the origin of each SLO. Read as the OpenSLO
 * specification writes them:
 *
 * - every object kind; `SLO`, `SLI`, `AlertPolicy`, `AlertCondition` and
 *   `DataSource` are used, `Service` and `AlertNotificationTarget` accepted;
 * - an SLO with several objectives gives one burnrate SLO per objective, named
 *   `NAME-DISPLAYNAME` (slug) or `NAME-INDEX`;
 * - the SLI is a `ratioMetric` whose `total` and `good` metric sources are of
 *   type `burnrate` (directly or through a `DataSource`), with burnrate's span
 *   selector and good predicates as their `spec`;
 * - `Occurrences`, `Timeslices` and `RatioTimeslices`; rolling and calendar
 *   windows (`1w`, `1M`, `1Q`) with `startTime` and `timeZone`;
 * - alert policies inline or by `alertPolicyRef`, conditions inline or by
 *   `conditionRef`: a burn-rate tier per condition (`severity` page or ticket,
 *   `op` gte or gt, `threshold`, `lookbackWindow` as the long window and a
 *   twelfth of it as the short one, `alertAfter` as the hold);
 * - `metadata.labels` become the SLO's labels.
 *
 * Unknown keys are errors with the closest known key; composite SLOs,
 * `thresholdMetric`, `raw` ratios, `bad` numerators and query-based metric
 * sources are errors that say they are unsupported.
 */
export function fromOpenSlo(
  docs: readonly unknown[],
  source?: string
): { doc: Raw; origins: OpenSloOrigin[] } {
  const issues = new Issues();
  const reg: Registry = {
    slis: new Map(),
    policies: new Map(),
    conditions: new Map(),
    sources: new Map(),
  };
  const sloDocs: { doc: Raw; path: string }[] = [];
  docs.forEach((d, i) => {
    const path = `documents[${i}]`;
    if (!isOpenSloDocument(d)) {
      issues.fail(path, 'mixes OpenSLO and burnrate documents (or is not an OpenSLO object)');
      return;
    }
    const doc = d as Raw;
    issues.keys(doc, path, DOC_KEYS);
    if (doc.apiVersion !== 'openslo/v1') {
      issues.fail(
        `${path}.apiVersion`,
        `only openslo/v1 is read, got ${JSON.stringify(doc.apiVersion)}`
      );
      return;
    }
    if (!(OPENSLO_KINDS as readonly string[]).includes(doc.kind)) {
      const hint = typeof doc.kind === 'string' ? suggest(doc.kind, OPENSLO_KINDS) : undefined;
      issues.fail(
        `${path}.kind`,
        `unknown kind ${show(doc.kind)}${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${OPENSLO_KINDS.join(', ')}`
      );
      return;
    }
    const meta = issues.mapping(doc.metadata, `${path}.metadata`);
    if (!meta) return;
    issues.keys(meta, `${path}.metadata`, METADATA_KEYS);
    if (typeof meta.name !== 'string' || meta.name === '') {
      issues.fail(`${path}.metadata.name`, `is required, got ${show(meta.name)}`);
      return;
    }
    const spec = issues.mapping(doc.spec ?? {}, `${path}.spec`) ?? {};
    const name: string = meta.name;
    const kindPath = `${path} (${doc.kind} ${name})`;
    switch (doc.kind) {
      case 'SLO':
        sloDocs.push({ doc, path });
        break;
      case 'SLI':
        reg.slis.set(name, { spec, path: `${kindPath}.spec` });
        break;
      case 'AlertPolicy':
        reg.policies.set(name, { spec, path: `${kindPath}.spec` });
        break;
      case 'AlertCondition':
        reg.conditions.set(name, { doc, path: kindPath });
        break;
      case 'DataSource':
        issues.keys(spec, `${kindPath}.spec`, ['description', 'type', 'connectionDetails']);
        reg.sources.set(name, spec);
        break;
      case 'Service':
        issues.keys(spec, `${kindPath}.spec`, ['description']);
        break;
      case 'AlertNotificationTarget':
        issues.keys(spec, `${kindPath}.spec`, ['description', 'target']);
        break;
    }
  });
  const slos: Raw[] = [];
  const origins: OpenSloOrigin[] = [];
  for (const { doc, path } of sloDocs) {
    for (const { slo, origin } of convertSlo(doc, path, reg, issues)) {
      slos.push(slo);
      origins.push(origin);
    }
  }
  if (issues.list.length === 0 && slos.length === 0)
    issues.fail('(root)', 'no OpenSLO SLO document (kind: SLO) in the file');
  if (issues.list.length > 0) throw new SpecError(issues.list, source);
  return { doc: { slos }, origins };
}

function convertSlo(
  doc: Raw,
  path: string,
  reg: Registry,
  issues: Issues
): { slo: Raw; origin: OpenSloOrigin }[] {
  const meta: Raw = doc.metadata;
  const name: string = meta.name;
  const at = `${path} (SLO ${name}).spec`;
  const spec = issues.mapping(doc.spec, `${path}.spec`);
  if (!spec) return [];
  issues.keys(spec, at, SLO_SPEC_KEYS);
  const base: Raw = {};
  const description = spec.description ?? meta.displayName;
  if (typeof description === 'string') base.description = description;
  if (spec.service !== undefined) base.service = spec.service;
  const labels = convertLabels(meta.labels, `${path}.metadata.labels`, issues);
  if (labels) base.labels = labels;
  const window = convertWindow(spec.timeWindow, `${at}.timeWindow`, issues);
  if (window) Object.assign(base, window);
  const sli = convertIndicator(spec, at, reg, issues);
  const alerting = convertPolicies(spec.alertPolicies, `${at}.alertPolicies`, reg, issues);
  // grouped SLOs (burnrate's own export): checked by the SLO checker as written
  const groupBy = meta.annotations?.[GROUP_BY_ANNOTATION];
  if (typeof groupBy === 'string') base.groupBy = groupBy.split(',').map(k => k.trim());
  const maxGroups = meta.annotations?.[MAX_GROUPS_ANNOTATION];
  if (typeof maxGroups === 'string') base.maxGroups = Number(maxGroups);
  const runbook = meta.annotations?.[RUNBOOK_ANNOTATION];
  if (typeof runbook === 'string') base.alerting = { runbook, ...(alerting ?? {}) };
  else if (alerting) base.alerting = alerting;
  const method = spec.budgetingMethod;
  if (method === undefined)
    issues.fail(`${at}.budgetingMethod`, `is required (one of ${BUDGETING.join(', ')})`);
  else if (!BUDGETING.includes(method)) {
    const hint = typeof method === 'string' ? suggest(method, BUDGETING) : undefined;
    issues.fail(
      `${at}.budgetingMethod`,
      `must be one of ${BUDGETING.join(', ')}, got ${show(method)}${hint ? ` (did you mean "${hint}"?)` : ''}`
    );
  }
  if (!Array.isArray(spec.objectives) || spec.objectives.length === 0) {
    issues.fail(`${at}.objectives`, `must be a non-empty list, got ${show(spec.objectives)}`);
    return [];
  }
  const many = spec.objectives.length > 1;
  const out: { slo: Raw; origin: OpenSloOrigin }[] = [];
  spec.objectives.forEach((o: unknown, j: number) => {
    const op = `${at}.objectives[${j}]`;
    const obj = issues.mapping(o, op);
    if (!obj) return;
    issues.keys(obj, op, OBJECTIVE_KEYS);
    if (
      obj.indicator !== undefined ||
      obj.indicatorRef !== undefined ||
      obj.compositeWeight !== undefined
    ) {
      issues.unsupported(
        op,
        'composite SLOs (objectives with their own indicator or compositeWeight)',
        'write one SLO per indicator, or use burnrate composites'
      );
      return;
    }
    if (obj.value !== undefined)
      issues.unsupported(
        `${op}.value`,
        'threshold objectives (op and value, for a thresholdMetric)',
        'burnrate SLIs are ratios of good to eligible spans; put a latency threshold in the good predicates'
      );
    if (obj.op !== undefined && obj.op !== 'gt' && obj.op !== 'gte') {
      issues.fail(
        `${op}.op`,
        OPS.includes(obj.op)
          ? `a ratio SLI must stay above its target: only gt or gte, got ${show(obj.op)}`
          : `must be one of ${OPS.join(', ')}, got ${show(obj.op)}`
      );
    }
    const slo: Raw = { ...base };
    const display = typeof obj.displayName === 'string' ? obj.displayName : undefined;
    slo.name = many ? `${name}-${(display && slug(display)) || j}` : name;
    if (many && display) slo.description = `${base.description ?? name}: ${display}`;
    if (obj.target !== undefined && obj.targetPercent !== undefined)
      issues.fail(op, 'give either target or targetPercent, not both');
    else if (obj.target !== undefined) slo.target = obj.target;
    else if (obj.targetPercent !== undefined) slo.objective = obj.targetPercent;
    else issues.fail(`${op}.target`, 'is required (target: 0.999, or targetPercent: 99.9)');
    const budgeting = convertBudgeting(method, obj, op, issues);
    if (budgeting) slo.budgeting = budgeting;
    if (sli) slo.sli = sli;
    out.push({
      slo,
      origin: {
        path,
        label: `SLO ${name}${many ? `, objectives[${j}]${display ? ` (${display})` : ''}` : ''}`,
      },
    });
  });
  return out;
}

function convertLabels(value: unknown, path: string, issues: Issues): Raw | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = issues.mapping(value, path);
  if (!raw) return undefined;
  const out: Raw = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') out[labelName(k)] = v;
    else if (Array.isArray(v) && v.every(x => typeof x === 'string'))
      out[labelName(k)] = v.join(',');
    else issues.fail(`${path}.${k}`, `must be a string or a list of strings, got ${show(v)}`);
  }
  return out;
}

function convertWindow(value: unknown, path: string, issues: Issues): Raw | undefined {
  if (value === undefined) {
    return issues.fail(path, 'is required by burnrate (say [{ duration: 28d, isRolling: true }])');
  }
  let tw: Raw | undefined;
  let p = path;
  if (Array.isArray(value)) {
    if (value.length !== 1)
      return issues.fail(path, `must hold exactly one window, got ${value.length}`);
    p = `${path}[0]`;
    tw = issues.mapping(value[0], p);
  } else tw = issues.mapping(value, path);
  if (!tw) return undefined;
  issues.keys(tw, p, ['duration', 'isRolling', 'calendar']);
  const duration = tw.duration;
  const m = typeof duration === 'string' ? SHORTHAND.exec(duration) : null;
  if (!m)
    return issues.fail(
      `${p}.duration`,
      `must be a duration shorthand such as 28d, 4w, 1M or 1Q, got ${show(duration)}`
    );
  const rolling = tw.isRolling ?? tw.calendar === undefined;
  if (typeof rolling !== 'boolean')
    return issues.fail(`${p}.isRolling`, `must be true or false, got ${show(rolling)}`);
  if (rolling) {
    if (tw.calendar !== undefined)
      return issues.fail(`${p}.calendar`, 'a rolling window (isRolling: true) takes no calendar');
    const [factor, unit] = ROLLING_UNIT[m[2]];
    return { window: `${Number(m[1]) * factor}${unit}` };
  }
  const unit = CALENDAR_UNIT[m[2]];
  if (m[1] !== '1' || unit === undefined) {
    const hint =
      duration === '1m'
        ? ' (m is minutes: did you mean 1M, a month?)'
        : duration === '7d'
          ? ' (did you mean 1w?)'
          : '';
    return issues.fail(
      `${p}.duration`,
      `calendar windows are 1w, 1M or 1Q, got ${show(duration)}${hint}`
    );
  }
  const out: Raw = { calendar: unit };
  if (tw.calendar !== undefined && tw.calendar !== null) {
    const cal = issues.mapping(tw.calendar, `${p}.calendar`);
    if (cal) {
      issues.keys(cal, `${p}.calendar`, ['startTime', 'timeZone']);
      if (cal.timeZone !== undefined) out.timeZone = cal.timeZone;
      if (cal.startTime !== undefined)
        out.startTime =
          cal.startTime instanceof Date ? cal.startTime.toISOString().slice(0, 19) : cal.startTime;
    }
  }
  return out;
}

function convertBudgeting(
  method: unknown,
  obj: Raw,
  path: string,
  issues: Issues
): Raw | undefined {
  const slice = (): string | undefined => {
    const w = obj.timeSliceWindow;
    if (w === undefined)
      return issues.fail(`${path}.timeSliceWindow`, `is required with budgetingMethod ${method}`);
    if (typeof w === 'number' && w > 0) return `${w}m`; // a bare number is minutes
    if (typeof w === 'string' && shorthandMs(w) !== undefined) return w;
    return issues.fail(
      `${path}.timeSliceWindow`,
      `must be minutes or a duration such as 1m or 5m, got ${show(w)}`
    );
  };
  if (method === 'Occurrences') {
    for (const k of ['timeSliceTarget', 'timeSliceWindow'])
      if (obj[k] !== undefined)
        issues.fail(`${path}.${k}`, 'only applies to Timeslices and RatioTimeslices budgets');
    return undefined;
  }
  if (method === 'RatioTimeslices') {
    if (obj.timeSliceTarget !== undefined)
      issues.fail(
        `${path}.timeSliceTarget`,
        'only applies to Timeslices budgets (RatioTimeslices averages the slices)'
      );
    const s = slice();
    return s === undefined ? undefined : { method: 'ratio-timeslices', slice: s };
  }
  if (method === 'Timeslices') {
    const t = obj.timeSliceTarget;
    let sliceTarget: number | undefined;
    if (typeof t !== 'number' || !(t > 0) || !(t <= 1))
      issues.fail(
        `${path}.timeSliceTarget`,
        `is required with Timeslices: a ratio in (0, 1], got ${show(t)}`
      );
    else sliceTarget = Number((t * 100).toPrecision(12));
    const s = slice();
    return s === undefined || sliceTarget === undefined
      ? undefined
      : { method: 'timeslices', slice: s, sliceTarget };
  }
  return undefined;
}

function convertIndicator(spec: Raw, at: string, reg: Registry, issues: Issues): Raw | undefined {
  if (spec.indicator !== undefined && spec.indicatorRef !== undefined)
    return issues.fail(at, 'give either indicator or indicatorRef, not both');
  let sli: Raw | undefined;
  let p: string;
  if (spec.indicator !== undefined) {
    p = `${at}.indicator`;
    const inline = issues.mapping(spec.indicator, p);
    if (!inline) return undefined;
    issues.keys(inline, p, ['apiVersion', 'kind', 'metadata', 'spec']);
    p = `${p}.spec`;
    sli = issues.mapping(inline.spec, p);
  } else if (spec.indicatorRef !== undefined) {
    const found = reg.slis.get(spec.indicatorRef);
    if (!found) {
      const hint =
        typeof spec.indicatorRef === 'string'
          ? suggest(spec.indicatorRef, [...reg.slis.keys()])
          : undefined;
      return issues.fail(
        `${at}.indicatorRef`,
        `no SLI named ${show(spec.indicatorRef)}${hint ? ` (did you mean "${hint}"?)` : ''}`
      );
    }
    p = found.path;
    sli = found.spec;
  } else return issues.fail(at, 'needs indicator or indicatorRef');
  if (!sli) return undefined;
  issues.keys(sli, p, ['description', 'thresholdMetric', 'ratioMetric']);
  if (sli.thresholdMetric !== undefined)
    return issues.unsupported(
      `${p}.thresholdMetric`,
      'thresholdMetric SLIs',
      'burnrate SLIs are ratioMetric with type burnrate sources (a latency threshold goes in the good predicates)'
    );
  const ratio = issues.mapping(sli.ratioMetric, `${p}.ratioMetric`);
  if (!ratio) return undefined;
  const rp = `${p}.ratioMetric`;
  issues.keys(ratio, rp, ['counter', 'good', 'bad', 'total', 'rawType', 'raw']);
  if (ratio.raw !== undefined || ratio.rawType !== undefined)
    return issues.unsupported(
      `${rp}.raw`,
      'raw (precomputed) ratios',
      'give total and good sources of type burnrate'
    );
  if (ratio.bad !== undefined)
    return issues.unsupported(
      `${rp}.bad`,
      'a bad numerator',
      'give good: the predicates a good span meets (everything else eligible is bad)'
    );
  const total = metricSpec(ratio.total, `${rp}.total`, reg, issues);
  const good = metricSpec(ratio.good, `${rp}.good`, reg, issues);
  if (!total || !good) return undefined;
  return { spans: total, good };
}

function metricSpec(value: unknown, path: string, reg: Registry, issues: Issues): Raw | undefined {
  if (value === undefined) return issues.fail(path, 'is required');
  const holder = issues.mapping(value, path);
  if (!holder) return undefined;
  issues.keys(holder, path, ['metricSource']);
  const src = issues.mapping(holder.metricSource, `${path}.metricSource`);
  if (!src) return undefined;
  const sp = `${path}.metricSource`;
  issues.keys(src, sp, ['metricSourceRef', 'type', 'spec']);
  let type = src.type;
  if (src.metricSourceRef !== undefined) {
    const ds = reg.sources.get(src.metricSourceRef);
    if (!ds)
      return issues.fail(
        `${sp}.metricSourceRef`,
        `no DataSource named ${show(src.metricSourceRef)}`
      );
    type ??= ds.type;
  }
  if (type !== BURNRATE_SOURCE) {
    const query = src.spec && typeof src.spec === 'object' && 'query' in src.spec;
    return issues.unsupported(
      `${sp}.type`,
      `${query ? 'raw queries (' : ''}metric source type ${show(type)}${query ? ')' : ''}`,
      'burnrate computes SLIs from spans: use type burnrate with the span selector (total) or good predicates (good) as spec'
    );
  }
  return issues.mapping(src.spec ?? {}, `${sp}.spec`);
}

function convertPolicies(
  value: unknown,
  path: string,
  reg: Registry,
  issues: Issues
): Raw | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return issues.fail(path, `must be a list, got ${show(value)}`);
  if (value.length === 0) return undefined;
  const tiers: Raw[] = [];
  value.forEach((item, i) => {
    const p = `${path}[${i}]`;
    let spec: Raw | undefined;
    let sp = p;
    if (
      typeof item === 'string' ||
      (item && typeof item === 'object' && 'alertPolicyRef' in item)
    ) {
      const ref = typeof item === 'string' ? item : (item as Raw).alertPolicyRef;
      if (typeof item !== 'string') issues.keys(item as Raw, p, ['alertPolicyRef']);
      const found = reg.policies.get(ref);
      if (!found) {
        const hint = typeof ref === 'string' ? suggest(ref, [...reg.policies.keys()]) : undefined;
        issues.fail(
          `${p}.alertPolicyRef`,
          `no AlertPolicy named ${show(ref)}${hint ? ` (did you mean "${hint}"?)` : ''}`
        );
        return;
      }
      spec = found.spec;
      sp = found.path;
    } else {
      const inline = issues.mapping(item, p);
      if (!inline) return;
      issues.keys(inline, p, ['apiVersion', 'kind', 'metadata', 'spec']);
      if (inline.kind !== undefined && inline.kind !== 'AlertPolicy')
        issues.fail(`${p}.kind`, `must be AlertPolicy, got ${show(inline.kind)}`);
      sp = `${p}.spec`;
      spec = issues.mapping(inline.spec, sp);
    }
    if (!spec) return;
    issues.keys(spec, sp, [
      'description',
      'alertWhenNoData',
      'alertWhenResolved',
      'alertWhenBreaching',
      'conditions',
      'notificationTargets',
    ]);
    if (spec.alertWhenBreaching === false) return; // never alerts on a burn
    if (!Array.isArray(spec.conditions) || spec.conditions.length === 0) {
      issues.fail(
        `${sp}.conditions`,
        `must be a list of one condition, got ${show(spec.conditions)}`
      );
      return;
    }
    spec.conditions.forEach((c: unknown, j: number) => {
      const tier = convertCondition(c, `${sp}.conditions[${j}]`, reg, issues);
      if (tier) tiers.push(tier);
    });
  });
  return tiers.length > 0 ? { tiers } : undefined;
}

function convertCondition(
  value: unknown,
  path: string,
  reg: Registry,
  issues: Issues
): Raw | undefined {
  const item = issues.mapping(value, path);
  if (!item) return undefined;
  let doc: Raw | undefined;
  let p = path;
  if ('conditionRef' in item) {
    issues.keys(item, path, ['conditionRef']);
    const found = reg.conditions.get(item.conditionRef);
    if (!found) {
      const hint =
        typeof item.conditionRef === 'string'
          ? suggest(item.conditionRef, [...reg.conditions.keys()])
          : undefined;
      return issues.fail(
        `${path}.conditionRef`,
        `no AlertCondition named ${show(item.conditionRef)}${hint ? ` (did you mean "${hint}"?)` : ''}`
      );
    }
    doc = found.doc;
    p = found.path;
  } else {
    issues.keys(item, path, ['apiVersion', 'kind', 'metadata', 'spec']);
    if (item.kind !== undefined && item.kind !== 'AlertCondition')
      issues.fail(`${path}.kind`, `must be AlertCondition, got ${show(item.kind)}`);
    doc = item;
  }
  const spec = issues.mapping(doc.spec, `${p}.spec`);
  if (!spec) return undefined;
  issues.keys(spec, `${p}.spec`, ['description', 'severity', 'condition']);
  const cond = issues.mapping(spec.condition, `${p}.spec.condition`);
  if (!cond) return undefined;
  const cp = `${p}.spec.condition`;
  issues.keys(cond, cp, ['kind', 'op', 'threshold', 'lookbackWindow', 'alertAfter']);
  if (cond.kind !== undefined && cond.kind !== 'burnrate')
    return issues.unsupported(
      `${cp}.kind`,
      `alert condition kind ${show(cond.kind)}`,
      'only burnrate conditions'
    );
  const severity = spec.severity;
  if (severity !== 'page' && severity !== 'ticket') {
    const hint = typeof severity === 'string' ? suggest(severity, ['page', 'ticket']) : undefined;
    issues.fail(
      `${p}.spec.severity`,
      `must be page or ticket (burnrate's alert severities), got ${show(severity)}${hint ? ` (did you mean "${hint}"?)` : ''}`
    );
  }
  if (cond.op !== 'gte' && cond.op !== 'gt')
    issues.fail(
      `${cp}.op`,
      OPS.includes(cond.op)
        ? `a burn-rate alert fires when the burn rate reaches the threshold: gte or gt, got ${show(cond.op)} (it would fire while nothing burns)`
        : `is required: gte or gt, got ${show(cond.op)}`
    );
  if (typeof cond.threshold !== 'number' || !(cond.threshold > 0))
    issues.fail(`${cp}.threshold`, `must be a positive burn rate, got ${show(cond.threshold)}`);
  const longMs =
    typeof cond.lookbackWindow === 'string' ? shorthandMs(cond.lookbackWindow) : undefined;
  if (longMs === undefined)
    issues.fail(
      `${cp}.lookbackWindow`,
      `must be a duration such as 1h or 6h, got ${show(cond.lookbackWindow)}`
    );
  let hold: string | undefined;
  if (cond.alertAfter !== undefined) {
    if (
      typeof cond.alertAfter !== 'string' ||
      (shorthandMs(cond.alertAfter) === undefined && !/^0[mhdw]?$/.test(cond.alertAfter))
    )
      issues.fail(
        `${cp}.alertAfter`,
        `must be a duration such as 0m or 5m, got ${show(cond.alertAfter)}`
      );
    else hold = cond.alertAfter;
  }
  if (longMs === undefined || typeof cond.threshold !== 'number') return undefined;
  const shortAnnotation = doc.metadata?.annotations?.[SHORT_WINDOW_ANNOTATION];
  const tier: Raw = {
    severity,
    long: cond.lookbackWindow,
    short: typeof shortAnnotation === 'string' ? shortAnnotation : minutes(longMs / 12),
    burnRate: cond.threshold,
  };
  if (hold !== undefined && shorthandMs(hold) !== undefined) tier.for = hold;
  return tier;
}
