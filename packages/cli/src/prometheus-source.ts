import { STATUS_ORDER, type SloSpec } from '@burnrate/core';
import {
  ALERT_BUDGET_BURN,
  LABEL_SEVERITY,
  LABEL_SLO_NAME,
  LABEL_SLO_WINDOW,
  RECORD_BUDGET_REMAINING,
  RECORD_BURN_RATE,
  RECORD_STATUS_CODE,
  RECORD_TIME_TO_EXHAUSTION,
} from '@burnrate/rules';
import { CliError } from './io';
import type { GateReading } from './commands/gate';

/** One sample of an instant query's vector result. */
interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * Runs one instant query against a Prometheus server's HTTP API
 * (`GET /api/v1/query`); a failure is a one-line {@link CliError} naming the URL.
 */
export async function promQuery(
  base: string,
  expr: string,
  timeoutMs = 10_000
): Promise<PromSample[]> {
  const url = `${base.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(expr)}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: Error }).cause;
    throw new CliError(`${base}: ${(e as Error).message}${cause ? ` (${cause.message})` : ''}`);
  }
  const text = await res.text();
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new CliError(
      `${base}: HTTP ${res.status}, not the Prometheus API (${text.slice(0, 80)})`
    );
  }
  if (
    body.status !== 'success' ||
    body.data?.resultType !== 'vector' ||
    !Array.isArray(body.data.result)
  )
    throw new CliError(`${base}: query ${expr} failed: ${body.error ?? `HTTP ${res.status}`}`);
  return body.data.result as PromSample[];
}

/** A sample value as a number: `+Inf`, `-Inf` and `NaN` included. */
function num(s: PromSample): number {
  return Number(s.value[1].replace('+Inf', 'Infinity').replace('-Inf', '-Infinity'));
}

/** Per `slo_name`, the value of each sample of a query. */
async function byName(base: string, expr: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of await promQuery(base, expr)) {
    const name = s.metric[LABEL_SLO_NAME];
    if (name !== undefined) out.set(name, num(s));
  }
  return out;
}

/**
 * What `gate --prometheus` reads: the recorded rules of `burnrate rules`
 * (`slo:status:code`, the remaining budget, time to exhaustion, burn rate over
 * 1 h and the firing burn alerts) of every SLO and composite Prometheus knows,
 * aggregated across the groups of a grouped SLO (its worst). `spec` gives the
 * SLOs' windows and which names are composites (their components).
 */
export async function readPrometheus(base: string, spec?: SloSpec): Promise<GateReading[]> {
  const [codes, remaining, tte, burn, alerts] = await Promise.all([
    byName(base, `max by (${LABEL_SLO_NAME}) (${RECORD_STATUS_CODE})`),
    byName(base, `min by (${LABEL_SLO_NAME}) (${RECORD_BUDGET_REMAINING})`),
    byName(base, `min by (${LABEL_SLO_NAME}) (${RECORD_TIME_TO_EXHAUSTION})`),
    byName(base, `max by (${LABEL_SLO_NAME}) (${RECORD_BURN_RATE}{${LABEL_SLO_WINDOW}="1h"})`),
    promQuery(
      base,
      `count by (${LABEL_SLO_NAME}, ${LABEL_SEVERITY}) (ALERTS{alertname="${ALERT_BUDGET_BURN}",alertstate="firing"})`
    ),
  ]);
  if (codes.size === 0)
    throw new CliError(
      `${base}: no ${RECORD_STATUS_CODE} series; load the rules of \`burnrate rules\` into this Prometheus`
    );
  const slos = new Map((spec?.slos ?? []).map(s => [s.name, s]));
  const composites = new Map((spec?.composites ?? []).map(c => [c.name, c]));
  const statusOf = (name: string) => STATUS_ORDER[codes.get(name) ?? -1] ?? 'unknown';
  const readings: GateReading[] = [];
  const order = [...slos.keys(), ...composites.keys()];
  const names = [...codes.keys()].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib) || a.localeCompare(b);
  });
  for (const name of names) {
    const status = statusOf(name);
    const t = tte.get(name);
    const composite = composites.get(name);
    const from = composite?.components.find(k => statusOf(k.slo) === status)?.slo;
    readings.push({
      name,
      status,
      remaining: remaining.get(name) ?? NaN,
      burnRate1h: burn.get(name) ?? NaN,
      timeToExhaustionSeconds: t === undefined || t === Infinity ? null : t,
      firing: {
        page: alerts.some(
          a => a.metric[LABEL_SLO_NAME] === name && a.metric[LABEL_SEVERITY] === 'page'
        ),
        ticket: alerts.some(
          a => a.metric[LABEL_SLO_NAME] === name && a.metric[LABEL_SEVERITY] === 'ticket'
        ),
      },
      windowMs: slos.get(name)?.window.durationMs ?? NaN,
      ...(from !== undefined ? { statusFrom: from } : {}),
      composite: composite !== undefined,
    });
  }
  return readings;
}
