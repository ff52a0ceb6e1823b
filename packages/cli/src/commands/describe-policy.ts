import {
  formatDuration,
  STATUS_ORDER,
  type ErrorBudgetPolicy,
  type SloSpec,
  type SloStatus,
} from '@burnrate/core';

/** The order in which the status classes are checked (core's `explainStatus`). */
const CHECK_ORDER: readonly SloStatus[] = [
  'exhausted',
  'no-data',
  'critical',
  'warning',
  'attention',
  'healthy',
];

const pct = (v: number) => `${Number((v * 100).toPrecision(4))} %`;

/**
 * `validate`'s lines for the spec's composites: each one's components with
 * their weights and shares (`checkout: cart × 2 (67 %), pay × 1 (33 %)`).
 */
export function describeComposites(spec: SloSpec): string {
  const composites = spec.composites ?? [];
  if (composites.length === 0) return '';
  const lines = composites.map(c => {
    const total = c.components.reduce((n, k) => n + k.weight, 0);
    const parts = c.components.map(k => `${k.slo} × ${k.weight} (${pct(k.weight / total)})`);
    return `  ${c.name}: ${parts.join(', ')}; consumed and burn rates weighted, status the most restrictive\n`;
  });
  return `composites: ${composites.length}\n${lines.join('')}`;
}

/** The thresholds of one status class in words (`< 25 % left, ticket alert, exhausts within 7d`). */
function conditions(status: SloStatus, p: ErrorBudgetPolicy): string {
  const t = p.thresholds;
  const within = (ms: number | undefined, share: string) =>
    `exhausts within ${ms === undefined ? share : formatDuration(ms)}`;
  switch (status) {
    case 'exhausted':
      return `≤ ${pct(t.exhaustedRemainingAtMost)} left`;
    case 'critical':
      return [
        ...(t.criticalOnPage ? ['page alert'] : []),
        within(t.criticalExhaustsWithinMs, 'window/28'),
      ].join(', ');
    case 'warning':
      return [
        ...(t.warningOnTicket ? ['ticket alert'] : []),
        `< ${pct(t.warningRemainingBelow)} left`,
        within(t.warningExhaustsWithinMs, 'window/4'),
      ].join(', ');
    case 'attention':
      return `< ${pct(t.attentionRemainingBelow)} left, burn(1h) > ${t.attentionBurnRateAbove}`;
    case 'no-data':
      return 'no events for alerting.noDataAfter';
    default:
      return 'otherwise';
  }
}

/** `validate`'s lines for the spec's error budget policy; none without a `policy:` section. */
export function describePolicy(spec: SloSpec): string {
  const p = spec.policy;
  if (p === undefined) return '';
  const out = ['policy:\n'];
  // in the order the statuses are checked: first match wins
  for (const status of CHECK_ORDER) {
    const rule = p.statuses[status];
    out.push(
      `  ${status} (${conditions(status, p)}): ${rule.allows}${rule.action ? `; ${rule.action}` : ''}${rule.contacts.length > 0 ? `; contacts ${rule.contacts.join(', ')}` : ''}\n`
    );
  }
  for (const [i, e] of p.exceptions.entries()) {
    const on = e.statuses.length === STATUS_ORDER.length ? 'any status' : e.statuses.join(', ');
    out.push(`  exceptions[${i}]: ${e.changeType} changes → ${e.allows} on ${on}\n`);
  }
  if (p.contacts.length > 0) out.push(`  contacts: ${p.contacts.join(', ')}\n`);
  const a = p.alerts;
  const alerts = [
    ...(a.budgetBelow !== undefined ? [`budget below ${pct(a.budgetBelow)}`] : []),
    ...(a.exhausted ? ['exhausted'] : []),
    ...(a.exhaustsWithinMs !== undefined
      ? [`exhaustion within ${formatDuration(a.exhaustsWithinMs)}`]
      : []),
  ];
  if (alerts.length > 0) out.push(`  budget alerts (${a.severity}): ${alerts.join(', ')}\n`);
  return out.join('');
}
