/** Version of `@burnrate/metrics`, the instrumentation scope version of its meter. */
export const VERSION = '0.1.0';
