import { errorBudgetFraction, type AlertTier, type SloDefinition } from '@burnrate/core';
import { formatNumber, matchers, promDuration } from './promql';
import {
  LABEL_SLO_NAME,
  LABEL_SLO_WINDOW,
  RECORD_BUDGET_REMAINING,
  RECORD_BURN_RATE,
  RECORD_TIME_TO_EXHAUSTION,
} from './semconv';
import { exhaustionWindow } from './windows';

/** A Go-template block that runs an instant query and prints its first value through `fn`. */
function queried(expr: string, fn: string): string {
  return `{{ with query \`${expr}\` }}{{ . | first | value | ${fn} }}{{ end }}`;
}

/** "28d rolling" or "calendar month (rules: rolling 30d)". */
export function describeWindow(slo: SloDefinition): string {
  const w = slo.window;
  const text = promDuration(w.durationMs);
  return w.type === 'rolling' ? text : `calendar ${w.unit}, rules over a rolling ${text}`;
}

/** The percent form of a ratio for reading, 4 significant digits: 0.02 → `2%`, 1/36 → `2.778%`. */
function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(4))}%`;
}

/**
 * Annotations of one tier's alert, in words: the burn rate, the share of the
 * budget the long window consumes at the threshold and at the current rate, the
 * remaining budget and the time to exhaustion; `runbook_url` when the spec has one.
 * `$value` is the long-window burn rate (the left operand of the alert expression).
 */
export function tierAnnotations(slo: SloDefinition, tier: AlertTier): Record<string, string> {
  const name = slo.name;
  const long = promDuration(tier.longWindowMs);
  const short = promDuration(tier.shortWindowMs);
  const windowText = promDuration(slo.window.durationMs);
  const threshold = formatNumber(tier.burnRate);
  const sel = (record: string, extra: Record<string, string> = {}) =>
    `${record}${matchers({ [LABEL_SLO_NAME]: name, ...extra })}`;
  const consumedNow = `${sel(RECORD_BURN_RATE, { [LABEL_SLO_WINDOW]: long })} * ${formatNumber(
    tier.longWindowMs / slo.window.durationMs
  )}`;
  const hour = promDuration(exhaustionWindow(slo));
  const annotations: Record<string, string> = {
    summary: `SLO ${name} is burning its error budget {{ $value | printf "%.2f" }}x too fast (${tier.severity}: ${long}/${short} at ${threshold}x)`,
    description:
      `${name} (objective ${percent(slo.target)} good, ${describeWindow(slo)}, error budget ${percent(errorBudgetFraction(slo.target))}) ` +
      `burned its error budget at {{ $value | printf "%.2f" }}x the sustainable rate over the last ${long}, ` +
      `and at least ${threshold}x over the last ${short}. ` +
      `At ${threshold}x a ${long} window consumes ${percent(tier.budgetConsumed)} of the ${windowText} budget; ` +
      `at the current rate the last ${long} consumed ${queried(consumedNow, 'humanizePercentage')}. ` +
      `Budget remaining: ${queried(sel(RECORD_BUDGET_REMAINING), 'humanizePercentage')}; ` +
      `at the ${hour} burn rate it is exhausted in ${queried(sel(RECORD_TIME_TO_EXHAUSTION), 'humanizeDuration')}.`,
  };
  if (slo.alerting.runbook !== undefined) annotations.runbook_url = slo.alerting.runbook;
  return annotations;
}
