import { SpecError, type SpecIssue } from './spec-error';

type Raw = Record<string, any>;

/** Whether a parsed YAML document is an OpenSLO v1 document. */
export function isOpenSloDocument(doc: unknown): boolean {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    typeof (doc as Raw).apiVersion === 'string' &&
    (doc as Raw).apiVersion.startsWith('openslo/')
  );
}

const DURATION_UNIT: Record<string, string> = {
  m: 'm',
  h: 'h',
  d: 'd',
  w: 'w',
  M: 'month',
  Q: 'quarter',
  Y: 'year',
};

/**
 * Converts OpenSLO v1 documents (`SLO`, `SLI`, `AlertPolicy`) into a burnrate
 * spec document, which is then validated as usual. The SLI must be a
 * `ratioMetric` whose `total` and `good` sources are of `type: burnrate` and
 * carry burnrate's `spans` selector and `good` predicates in their `spec`.
 */
export function fromOpenSlo(docs: readonly unknown[], source?: string): Raw {
  const issues: SpecIssue[] = [];
  const slis = new Map<string, Raw>();
  const policies = new Map<string, Raw>();
  docs.forEach((d, i) => {
    const doc = d as Raw;
    if (!isOpenSloDocument(doc))
      issues.push({ path: `documents[${i}]`, message: 'mixes OpenSLO and burnrate documents' });
    else if (doc.apiVersion !== 'openslo/v1')
      issues.push({
        path: `documents[${i}].apiVersion`,
        message: `only openslo/v1 is read, got ${JSON.stringify(doc.apiVersion)}`,
      });
    else if (doc.kind === 'SLI' && doc.metadata?.name) slis.set(doc.metadata.name, doc.spec ?? {});
    else if (doc.kind === 'AlertPolicy' && doc.metadata?.name)
      policies.set(doc.metadata.name, doc.spec ?? {});
  });
  const slos: Raw[] = [];
  docs.forEach((d, i) => {
    const doc = d as Raw;
    if (doc?.kind !== 'SLO') return;
    const path = `documents[${i}]`;
    const spec: Raw = doc.spec ?? {};
    const out: Raw = { name: doc.metadata?.name };
    if (doc.metadata?.displayName) out.description = doc.metadata.displayName;
    if (spec.description) out.description = spec.description;
    if (spec.service) out.service = spec.service;
    const objective: Raw | undefined = Array.isArray(spec.objectives)
      ? spec.objectives[0]
      : undefined;
    if (!objective)
      issues.push({ path: `${path}.spec.objectives`, message: 'needs one objective' });
    else {
      if (typeof objective.target === 'number') out.target = objective.target;
      else if (typeof objective.targetPercent === 'number') out.objective = objective.targetPercent;
      else
        issues.push({
          path: `${path}.spec.objectives[0].target`,
          message: `must be a ratio, got ${JSON.stringify(objective.target)}`,
        });
    }
    const tw: Raw | undefined = Array.isArray(spec.timeWindow)
      ? spec.timeWindow[0]
      : spec.timeWindow;
    if (!tw || typeof tw.duration !== 'string')
      issues.push({ path: `${path}.spec.timeWindow`, message: 'needs a duration' });
    else {
      const m = /^(\d+)([mhdwMQY])$/.exec(tw.duration);
      if (!m)
        issues.push({
          path: `${path}.spec.timeWindow[0].duration`,
          message: `must be like 28d or 1M, got ${JSON.stringify(tw.duration)}`,
        });
      else if (tw.isRolling === false) {
        const unit = m[2] === 'w' ? 'week' : DURATION_UNIT[m[2]];
        if (m[1] !== '1' || !['week', 'month', 'quarter'].includes(unit)) {
          issues.push({
            path: `${path}.spec.timeWindow[0].duration`,
            message: `calendar windows must be 1w, 1M or 1Q, got ${tw.duration}`,
          });
        } else {
          out.calendar = unit;
          if (tw.calendar?.timeZone) out.timeZone = tw.calendar.timeZone;
        }
      } else out.window = tw.duration;
    }
    if (spec.budgetingMethod === 'Timeslices') {
      out.budgeting = { method: 'timeslices' } as Raw;
      if (objective?.timeSliceWindow) out.budgeting.slice = objective.timeSliceWindow;
      if (typeof objective?.timeSliceTarget === 'number')
        out.budgeting.sliceTarget = objective.timeSliceTarget * 100;
    }
    const sli: Raw | undefined =
      spec.indicator?.spec ?? (spec.indicatorRef ? slis.get(spec.indicatorRef) : undefined);
    if (!sli)
      issues.push({
        path: `${path}.spec.indicatorRef`,
        message: `no SLI named ${JSON.stringify(spec.indicatorRef)}`,
      });
    else {
      const ratio: Raw | undefined = sli.ratioMetric;
      const total = ratio?.total?.metricSource;
      const good = ratio?.good?.metricSource;
      if (!ratio || total?.type !== 'burnrate' || good?.type !== 'burnrate') {
        issues.push({
          path: `${path}.spec.indicator`,
          message:
            'the SLI must be a ratioMetric with total and good metricSource of type burnrate',
        });
      } else out.sli = { spans: total.spec ?? {}, good: good.spec ?? {} };
    }
    if (Array.isArray(spec.alertPolicies)) {
      const tiers: Raw[] = [];
      for (const ref of spec.alertPolicies) {
        const policy: Raw | undefined =
          typeof ref === 'string'
            ? policies.get(ref)
            : (ref?.spec ?? (ref?.alertPolicyRef ? policies.get(ref.alertPolicyRef) : undefined));
        for (const cond of policy?.conditions ?? []) {
          const c = cond?.spec ?? cond?.conditionRef?.spec ?? cond;
          if (c?.kind === 'burnrate' || c?.threshold !== undefined) {
            tiers.push({
              severity:
                policy?.severity === 'page' || policy?.severity === 'ticket'
                  ? policy.severity
                  : 'page',
              long: c.lookbackWindow,
              short: c.alertAfter ?? c.shortWindow,
              burnRate: c.threshold,
            });
          }
        }
      }
      if (tiers.length > 0) out.alerting = { tiers };
    }
    slos.push(out);
  });
  if (issues.length > 0) throw new SpecError(issues, source);
  return { slos };
}
