/** 90 % over 1 h, page at 5x over 20 s / 5 s: a few seconds of failures fire it. */
export const FAST_PAGE_SPEC = `
slos:
  - name: checkout-availability
    service: checkout
    objective: 90
    window: 1h
    sli: { good: { status: ok } }
    alerting:
      tiers:
        - { severity: page, long: 20s, short: 5s, burnRate: 5 }
`;
