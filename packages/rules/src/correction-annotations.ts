import type { SloSpec } from '@burnrate/core';
import { correctionActiveExpr } from './correction-rules';

/**
 * One Grafana annotation query per correction of the spec: its intervals drawn
 * as regions on every panel, titled with its name and the SLOs it applies to.
 * The query is the correction's own expression of `time()` (no recorded
 * series), so Grafana draws past intervals too, a correction declared after
 * the fact included.
 */
export function correctionAnnotations(
  spec: SloSpec,
  datasource: { type: 'prometheus'; uid: string }
): Array<Record<string, unknown>> {
  return (spec.corrections ?? []).map(c => {
    const slos = c.slos === undefined ? 'every SLO' : c.slos.join(', ');
    return {
      name: `Correction: ${c.name}`,
      datasource,
      enable: true,
      iconColor: 'blue',
      expr: `${correctionActiveExpr([c])} == 1`,
      step: '1m',
      titleFormat: `correction ${c.name}`,
      textFormat: `${c.type === 'once' ? 'one-time' : `${c.rrule} (${c.timeZone})`}; events not eligible for ${slos}`,
    };
  });
}
