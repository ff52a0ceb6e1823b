import { errorBudgetFraction } from '../math/budget';
import { DAY_MS, formatDuration } from '../duration';
import { releaseDecision, type ReleaseDecision, type SloStatus } from '../math/status';

/** One SLO's history over (at least) a report period, at one step: what every report source yields. */
export interface PeriodSeries {
  readonly name: string;
  /** Objective as a ratio (0.999). */
  readonly target: number;
  readonly windowMs: number;
  /** Width of a point. */
  readonly stepMs: number;
  /** Start of each point's step, ms, ascending. */
  readonly timeMs: readonly number[];
  /** Good (bad) events counted during each step. */
  readonly good: readonly number[];
  readonly bad: readonly number[];
  /** Remaining budget ratio at each point. */
  readonly remaining: readonly number[];
  /** Burn rate per alert window label at each point. */
  readonly burnRates: Readonly<Record<string, readonly number[]>>;
  /** Whether a page (ticket) alert fired at each point. */
  readonly page: readonly boolean[];
  readonly ticket: readonly boolean[];
  /** Status at each point. */
  readonly status: readonly string[];
}

/** A report period: `[startMs, endMs)` and its name (`7d`, `2026-10`). */
export interface ReportPeriod {
  readonly label: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** Names of {@link reportPeriod}. */
export const REPORT_PERIODS: readonly string[] = ['7d', '28d', '30d', 'month'];

/**
 * The period `name` ending at `endMs`: the last 7, 28 or 30 days, or `month`,
 * the last whole calendar month (UTC) before `endMs`. Throws on another name.
 */
export function reportPeriod(name: string, endMs: number): ReportPeriod {
  const days = { '7d': 7, '28d': 28, '30d': 30 }[name];
  if (days !== undefined) return { label: name, startMs: endMs - days * DAY_MS, endMs };
  if (name !== 'month')
    throw new Error(
      `period must be one of ${REPORT_PERIODS.join(', ')}, got ${JSON.stringify(name)}`
    );
  const d = new Date(endMs);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const s = new Date(end - 1);
  const start = Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), 1);
  return {
    label: `${s.getUTCFullYear()}-${String(s.getUTCMonth() + 1).padStart(2, '0')}`,
    startMs: start,
    endMs: end,
  };
}

/** Budget spent in one week of the period. */
export interface WeekReport {
  readonly start: string;
  readonly end: string;
  readonly eligible: number;
  readonly bad: number;
  /** good / eligible in the week (null without events). */
  readonly compliance: number | null;
  /** Bad events of the week over the period's whole budget. */
  readonly budgetShare: number;
}

/** One run of points at which an alert fired. */
export interface AlertIntervalReport {
  readonly severity: 'page' | 'ticket';
  readonly start: string;
  /** End of the last firing point's step. */
  readonly end: string;
  readonly durationSeconds: number;
  /** Bad events during the interval. */
  readonly bad: number;
  /** Those bad events over the period's budget. */
  readonly budgetShare: number;
}

/** Burn-rate statistics of one alert window over the period's points. */
export interface BurnStats {
  readonly window: string;
  readonly mean: number;
  /** Nearest-rank 95th percentile. */
  readonly p95: number;
  readonly max: number;
}

/** Events and burn by UTC weekday. */
export interface WeekdayReport {
  readonly day: string;
  readonly eligible: number;
  readonly bad: number;
  /** (bad / eligible) / (1 − O); 0 without events. */
  readonly burnRate: number;
}

/** What {@link periodReport} computes for one SLO. */
export interface SloPeriodReport {
  readonly name: string;
  readonly objective: number;
  readonly window: string;
  readonly period: { readonly label: string; readonly start: string; readonly end: string };
  readonly stepSeconds: number;
  /** Share of the period's steps that have a point (1: the source covered it all). */
  readonly coverage: number;
  readonly events: { readonly eligible: number; readonly good: number; readonly bad: number };
  /** good / eligible over the period; null without events. */
  readonly compliance: number | null;
  /** Whether compliance ≥ objective; null without events. */
  readonly met: boolean | null;
  /** Allowed bad events ((1 − O) × eligible), bad events, and their ratio. */
  readonly budget: {
    readonly allowed: number;
    readonly consumed: number;
    readonly consumedShare: number;
  };
  readonly weeks: WeekReport[];
  readonly alerts: AlertIntervalReport[];
  readonly burn: BurnStats[];
  readonly weekday: WeekdayReport[];
  /**
   * Least-squares slope of the daily burn rate, per week, and its reading: `rising`
   * or `falling` when it moves by at least 0.1 a week, `flat` otherwise.
   */
  readonly trend: { readonly perWeek: number; readonly direction: 'rising' | 'falling' | 'flat' };
  /** Remaining budget, status and release decision at the period's last point (null without one). */
  readonly end: {
    readonly time: string | null;
    readonly remaining: number | null;
    readonly status: string | null;
    readonly decision: ReleaseDecision | null;
  };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * The report of one SLO over a period, from its series: only the points whose
 * step starts inside `[startMs, endMs)` count. Pure: the same series gives the
 * same report, whichever source it came from.
 */
export function periodReport(series: PeriodSeries, period: ReportPeriod): SloPeriodReport {
  const idx: number[] = [];
  for (let i = 0; i < series.timeMs.length; i++) {
    const t = series.timeMs[i];
    if (t >= period.startMs && t < period.endMs) idx.push(i);
  }
  const fraction = errorBudgetFraction(series.target);
  let good = 0;
  let bad = 0;
  for (const i of idx) {
    good += series.good[i];
    bad += series.bad[i];
  }
  const eligible = good + bad;
  const allowed = fraction * eligible;
  const share = (b: number) => (allowed > 0 ? b / allowed : b > 0 ? Infinity : 0);

  const weeks: WeekReport[] = [];
  for (let s = period.startMs; s < period.endMs; s += 7 * DAY_MS) {
    const e = Math.min(period.endMs, s + 7 * DAY_MS);
    let we = 0;
    let wb = 0;
    for (const i of idx) {
      const t = series.timeMs[i];
      if (t >= s && t < e) {
        we += series.good[i] + series.bad[i];
        wb += series.bad[i];
      }
    }
    weeks.push({
      start: iso(s),
      end: iso(e),
      eligible: we,
      bad: wb,
      compliance: we > 0 ? (we - wb) / we : null,
      budgetShare: share(wb),
    });
  }

  const alerts: AlertIntervalReport[] = [];
  for (const severity of ['page', 'ticket'] as const) {
    const flags = series[severity];
    let open: { start: number; end: number; bad: number } | undefined;
    const close = () => {
      if (open === undefined) return;
      alerts.push({
        severity,
        start: iso(open.start),
        end: iso(open.end),
        durationSeconds: (open.end - open.start) / 1000,
        bad: open.bad,
        budgetShare: share(open.bad),
      });
      open = undefined;
    };
    for (const i of idx) {
      const t = series.timeMs[i];
      // a step without a point breaks a run: nothing says the alert went on firing
      if (open !== undefined && t > open.end) close();
      if (flags[i]) {
        open ??= { start: t, end: t, bad: 0 };
        open.end = t + series.stepMs;
        open.bad += series.bad[i];
      } else close();
    }
    close();
  }
  alerts.sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : a.severity < b.severity ? -1 : 1
  );

  const burn: BurnStats[] = Object.entries(series.burnRates).map(([window, values]) => {
    const v = idx.map(i => values[i]).filter(x => Number.isFinite(x));
    const sorted = [...v].sort((a, b) => a - b);
    return {
      window,
      mean: v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : 0,
      p95: percentile(sorted, 0.95),
      max: sorted.length > 0 ? sorted[sorted.length - 1] : 0,
    };
  });

  const byDay = WEEKDAYS.map(() => ({ eligible: 0, bad: 0 }));
  const daily = new Map<number, { eligible: number; bad: number }>();
  for (const i of idx) {
    const t = series.timeMs[i];
    const w = byDay[new Date(t).getUTCDay()];
    w.eligible += series.good[i] + series.bad[i];
    w.bad += series.bad[i];
    const day = Math.floor((t - period.startMs) / DAY_MS);
    const d = daily.get(day) ?? { eligible: 0, bad: 0 };
    d.eligible += series.good[i] + series.bad[i];
    d.bad += series.bad[i];
    daily.set(day, d);
  }
  const burnOf = (e: number, b: number) => (e > 0 && fraction > 0 ? b / e / fraction : 0);
  const weekday: WeekdayReport[] = WEEKDAYS.map((day, i) => ({
    day,
    eligible: byDay[i].eligible,
    bad: byDay[i].bad,
    burnRate: burnOf(byDay[i].eligible, byDay[i].bad),
  }));

  // least squares of the daily burn rate over the day index
  const points = [...daily.entries()].filter(([, d]) => d.eligible > 0);
  let slope = 0;
  if (points.length >= 2) {
    const n = points.length;
    const mx = points.reduce((a, [x]) => a + x, 0) / n;
    const ys = points.map(([, d]) => burnOf(d.eligible, d.bad));
    const my = ys.reduce((a, b) => a + b, 0) / n;
    let sxy = 0;
    let sxx = 0;
    points.forEach(([x], k) => {
      sxy += (x - mx) * (ys[k] - my);
      sxx += (x - mx) * (x - mx);
    });
    slope = sxx > 0 ? sxy / sxx : 0;
  }
  const perWeek = slope * 7;

  const last = idx.length > 0 ? idx[idx.length - 1] : undefined;
  const steps = Math.ceil((period.endMs - period.startMs) / series.stepMs);
  return {
    name: series.name,
    objective: series.target,
    window: formatDuration(series.windowMs),
    period: { label: period.label, start: iso(period.startMs), end: iso(period.endMs) },
    stepSeconds: series.stepMs / 1000,
    coverage: steps > 0 ? Math.min(1, idx.length / steps) : 0,
    events: { eligible, good, bad },
    compliance: eligible > 0 ? good / eligible : null,
    met: eligible > 0 ? good / eligible >= series.target * (1 - 1e-12) : null,
    budget: { allowed, consumed: bad, consumedShare: share(bad) },
    weeks,
    alerts,
    burn,
    weekday,
    trend: {
      perWeek,
      direction: perWeek >= 0.1 ? 'rising' : perWeek <= -0.1 ? 'falling' : 'flat',
    },
    end: {
      time: last !== undefined ? iso(series.timeMs[last]) : null,
      remaining: last !== undefined ? series.remaining[last] : null,
      status: last !== undefined ? series.status[last] : null,
      decision: last !== undefined ? releaseDecision(series.status[last] as SloStatus) : null,
    },
  };
}

/** A history ring's points (an SLO's own, or read back from a collector) as a {@link PeriodSeries}. */
export function periodSeriesFromHistory(
  name: string,
  target: number,
  windowMs: number,
  h: {
    readonly stepMs: number;
    readonly timeMs: readonly number[];
    readonly good: readonly number[];
    readonly bad: readonly number[];
    readonly remaining: readonly number[];
    readonly burnRates: Readonly<Record<string, readonly number[]>>;
    readonly page: readonly boolean[];
    readonly ticket: readonly boolean[];
    readonly status: readonly string[];
  }
): PeriodSeries {
  return {
    name,
    target,
    windowMs,
    stepMs: h.stepMs,
    timeMs: h.timeMs,
    good: h.good,
    bad: h.bad,
    remaining: h.remaining,
    burnRates: h.burnRates,
    page: h.page,
    ticket: h.ticket,
    status: h.status,
  };
}
