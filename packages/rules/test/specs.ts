import { parseSpec, type SloSpec } from '@burnrate/core';

/** One spec with every window shape the generator must handle. */
export const WINDOWS_SPEC_TEXT = `
slos:
  - name: rolling-7d
    service: checkout
    objective: 99.5
    window: 7d
    sli: { good: { status: ok } }
  - name: rolling-28d
    service: checkout
    objective: 99.9
    window: 28d
    sli:
      spans: { routes: ["POST /api/orders"] }
      good: { status: ok }
    alerting: { runbook: "https://runbooks.example/checkout#availability" }
  - name: rolling-30d
    objective: 99.95
    window: 30d
    labels: { team: payments, tier: gold }
    sli: { good: { latency: 300ms } }
  - name: rolling-90d
    objective: 99
    window: 90d
    sli: { good: { status: ok } }
  - name: calendar-month
    objective: 99.9
    calendar: month
    sli: { good: { status: ok } }
  - name: custom-tiers
    objective: 99.5
    window: 14d
    sli: { good: { status: ok } }
    alerting:
      tiers:
        - { severity: page, long: 30m, short: 2m, burnRate: 10 }
        - { severity: page, long: 2h, short: 10m, budget: 4 }
        - { severity: ticket, long: 12h, short: 1h, budget: 15 }
  - name: short-1h
    objective: 99
    window: 1h
    sli: { good: { status: ok } }
  - name: short-1d
    objective: 99.9
    window: 1d
    sli: { good: { status: ok } }
  - name: timeslices-28d
    objective: 99.9
    window: 28d
    budgeting: { method: timeslices, slice: 1m, sliceTarget: 95 }
    labels: { team: payments }
    sli: { good: { status: ok } }
`;

/** {@link WINDOWS_SPEC_TEXT}, parsed. */
export function windowsSpec(): SloSpec {
  return parseSpec(WINDOWS_SPEC_TEXT, 'windows.yaml');
}
