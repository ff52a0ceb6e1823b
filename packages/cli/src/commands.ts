import type { CommandDefinition } from './command';
import { resolveToken } from './api-client';
import { UsageError } from './io';
import { budgetCommand } from './commands/budget';
import { collectorCommand } from './commands/collector';
import { dashboardCommand, rulesCommand } from './commands/rules';
import { exportCommand } from './commands/export';
import { replayCommand } from './commands/replay';
import { explainCommand } from './commands/explain';
import { reportCommand } from './commands/report';
import { DEFAULT_STATUS_URL, statusCommand } from './commands/status';
import { gateCommand } from './commands/gate';
import { validateCommand } from './commands/validate';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

const SOURCE_FLAGS = {
  url: {
    type: 'string',
    value: 'URL',
    help: `a collector's /api/slos (default ${DEFAULT_STATUS_URL})`,
  },
  input: { type: 'string', short: 'i', value: 'FILE', help: 'a saved copy of /api/slos instead' },
  json: { type: 'boolean', help: 'print JSON instead of a table' },
  'token-file': {
    type: 'string',
    value: 'FILE',
    help: "the collector's bearer token, on the first line of FILE (default BURNRATE_TOKEN)",
  },
} as const;

/** The bearer token a client command sends: `--token`, `--token-file`, else `BURNRATE_TOKEN`. */
const clientToken = (values: Record<string, unknown>): string | undefined =>
  resolveToken({ token: str(values.token), tokenFile: str(values['token-file']) });

const SCRAPE_INTERVAL_FLAG = {
  type: 'string',
  value: 'DURATION',
  help: "Prometheus's scrape interval, for the warnings (default 1m)",
} as const;

/**
 * Every `burnrate` command, in the order `burnrate help` lists them. To add a
 * command, add its definition here: parsing, `--help`, `help NAME` and "did you
 * mean" come with it.
 */
export const COMMANDS: readonly CommandDefinition[] = [
  {
    name: 'budget',
    summary: 'error budget of an objective, and the reference table',
    synopsis: '[--objective 99.9] [--window 30d] [--json]',
    flags: {
      objective: { type: 'string', short: 'o', value: 'PERCENT', help: 'objective (default 99.9)' },
      window: { type: 'string', short: 'w', value: 'DURATION', help: 'SLO window (default 30d)' },
      json: { type: 'boolean', help: 'print JSON' },
    },
    details: 'Exit: 0; 2 on a bad flag.\nExample: burnrate budget --objective 99.95 --window 28d',
    run: ({ values }, io) =>
      budgetCommand(
        {
          objective: str(values.objective),
          window: str(values.window),
          json: values.json === true,
        },
        io
      ),
  },
  {
    name: 'validate',
    summary: 'check a spec: one line per SLO, or every error with its path',
    synopsis: 'FILE [--scrape-interval 1m]',
    positionals: ['FILE'],
    flags: {
      'scrape-interval': SCRAPE_INTERVAL_FLAG,
    },
    details:
      'FILE is a burnrate spec or OpenSLO v1 documents. Warns on stderr, as `burnrate rules` does, of every alert window under four scrape intervals.\nExit: 0 valid; 1 invalid (every error listed) or no such file; 2 on a bad flag.',
    run: ({ values, positionals }, io) =>
      validateCommand(positionals[0], io, { scrapeInterval: str(values['scrape-interval']) }),
  },
  {
    name: 'replay',
    summary: 'replay per-minute events (timestamp,total,bad) through the engine',
    synopsis: '(--objective O --window W | --spec FILE [--slo NAME]) --input F.csv [--json]',
    flags: {
      objective: { type: 'string', short: 'o', value: 'PERCENT', help: 'objective, say 99.9' },
      window: { type: 'string', short: 'w', value: 'DURATION', help: 'SLO window, say 28d' },
      spec: {
        type: 'string',
        short: 's',
        value: 'FILE',
        help: "replay with an SLO's own objective, window, tiers, minEvents and corrections",
      },
      slo: {
        type: 'string',
        value: 'NAME',
        help: 'which SLO of --spec (default: its only SLO)',
      },
      input: { type: 'string', short: 'i', value: 'FILE', help: 'CSV with timestamp,total,bad' },
      json: { type: 'boolean', help: 'print JSON' },
    },
    details:
      "Give --objective and --window (default tiers, no minEvents), or --spec (and --slo when it has several SLOs). With --spec, rows whose minute starts inside one of the SLO's corrections are left out (not eligible), and the output says how many.\nExit: 0; 1 on a missing file, a bad row (named by line), an invalid spec or an unknown SLO; 2 on a bad flag.\nExample: burnrate replay --spec burnrate.yaml --slo checkout-availability --input events.csv",
    run: ({ values }, io) =>
      replayCommand(
        {
          objective: str(values.objective),
          window: str(values.window),
          spec: str(values.spec),
          slo: str(values.slo),
          input: str(values.input),
          json: values.json === true,
        },
        io
      ),
  },
  {
    name: 'rules',
    summary: 'Prometheus recording and alerting rules',
    synopsis:
      'FILE [--format prometheus|prometheus-operator] [--interval DUR] [--scrape-interval 1m] [-o OUT]',
    positionals: ['FILE'],
    flags: {
      format: {
        type: 'string',
        short: 'f',
        value: 'FORMAT',
        help: 'prometheus (default) or prometheus-operator',
      },
      interval: {
        type: 'string',
        value: 'DURATION',
        help: "evaluation interval of every SLO group (default Prometheus's global one)",
      },
      'scrape-interval': SCRAPE_INTERVAL_FLAG,
      out: { type: 'string', short: 'o', value: 'OUT', help: 'write to a file (default stdout)' },
    },
    details:
      'Warns on stderr of every alert window (and timeslice) under four scrape intervals.\nExit: 0; 1 on an invalid or missing spec, or an output file that cannot be written; 2 on a bad flag.',
    run: ({ values, positionals }, io) =>
      rulesCommand(
        positionals[0],
        {
          format: str(values.format),
          out: str(values.out),
          interval: str(values.interval),
          scrapeInterval: str(values['scrape-interval']),
        },
        io
      ),
  },
  {
    name: 'dashboard',
    summary: 'Grafana dashboard JSON',
    synopsis: 'FILE [-o OUT]',
    positionals: ['FILE'],
    flags: {
      out: { type: 'string', short: 'o', value: 'OUT', help: 'write to a file (default stdout)' },
    },
    details: 'Exit: 0; 1 on an invalid or missing spec, or an output file that cannot be written.',
    run: ({ values, positionals }, io) =>
      dashboardCommand(positionals[0], { out: str(values.out) }, io),
  },
  {
    name: 'collector',
    summary: 'OTLP trace receiver computing the same numbers',
    synopsis: '--config FILE [options]',
    flags: {
      config: {
        type: 'string',
        short: 'c',
        value: 'FILE',
        help: 'the spec (default burnrate.yaml)',
      },
      host: { type: 'string', value: 'HOST', help: 'address to listen on (default 127.0.0.1)' },
      'http-port': { type: 'string', value: 'PORT', help: 'OTLP/HTTP port (default 4318), or off' },
      'grpc-port': { type: 'string', value: 'PORT', help: 'OTLP/gRPC port (default 4317), or off' },
      'metrics-port': {
        type: 'string',
        value: 'PORT',
        help: 'Prometheus /metrics port (default 9464), or off',
      },
      'state-file': {
        type: 'string',
        value: 'FILE',
        help: 'snapshot of the windows; its folder must exist and be writable',
      },
      'snapshot-interval': {
        type: 'string',
        value: 'DURATION',
        help: 'how often state is saved (default 10s)',
      },
      'max-body-size': { type: 'string', value: 'SIZE', help: 'largest request (default 64MiB)' },
      token: {
        type: 'string',
        value: 'TOKEN',
        help: 'bearer token senders must give (visible in ps: prefer --token-file or BURNRATE_TOKEN)',
      },
      'token-file': {
        type: 'string',
        value: 'FILE',
        help: 'read the bearer token from FILE (its first line)',
      },
      'alertmanager-url': {
        type: 'string',
        multiple: true,
        value: 'URL',
        help: 'send alerts to this Alertmanager (repeat for each member of an HA pair)',
      },
      'alertmanager-header': {
        type: 'string',
        multiple: true,
        value: "'NAME: VALUE'",
        help: 'extra header on requests to the Alertmanagers (repeatable)',
      },
      'alertmanager-token': {
        type: 'string',
        value: 'TOKEN',
        help: 'bearer token for the Alertmanagers',
      },
      'webhook-url': {
        type: 'string',
        multiple: true,
        value: 'URL',
        help: 'post one message per alert firing and resolved here (repeatable)',
      },
      'webhook-format': {
        type: 'string',
        value: 'json|slack',
        help: 'body of the --webhook-url messages (default slack for hooks.slack.com, else json)',
      },
      'webhook-header': {
        type: 'string',
        multiple: true,
        value: "'NAME: VALUE'",
        help: 'extra header on webhook requests (repeatable)',
      },
      'webhook-token': { type: 'string', value: 'TOKEN', help: 'bearer token for the webhooks' },
      'alert-evaluation-interval': {
        type: 'string',
        value: 'DURATION',
        help: 'how often alerts are evaluated for notifications (default 10s)',
      },
    },
    details: `Flags win over the spec's collector: section; --alertmanager-url and
--webhook-url replace the spec's alertmanagers and webhooks lists. Runs until SIGTERM or SIGINT, or
until the process that started it exits (npx and npm exec pass SIGTERM to a shell
that does not pass it on), then saves state and exits 0. In a container, start it
with exec form (CMD ["burnrate", "collector", ...] or exec burnrate collector ...)
so that it is the process receiving the signals.
Exit: 0 after a signal; 1 on an invalid or missing spec, a state folder that does
not exist or is not writable, or a port in use; 2 on a bad flag.`,
    run: ({ values }, io) =>
      collectorCommand(
        {
          config: str(values.config),
          host: str(values.host),
          httpPort: str(values['http-port']),
          grpcPort: str(values['grpc-port']),
          metricsPort: str(values['metrics-port']),
          stateFile: str(values['state-file']),
          snapshotInterval: str(values['snapshot-interval']),
          maxBodySize: str(values['max-body-size']),
          token: str(values.token),
          tokenFile: str(values['token-file']),
          alertmanagerUrls: list(values['alertmanager-url']),
          alertmanagerHeaders: list(values['alertmanager-header']),
          alertmanagerToken: str(values['alertmanager-token']),
          webhookUrls: list(values['webhook-url']),
          webhookFormat: str(values['webhook-format']),
          webhookHeaders: list(values['webhook-header']),
          webhookToken: str(values['webhook-token']),
          alertEvaluationInterval: str(values['alert-evaluation-interval']),
        },
        io
      ),
  },
  {
    name: 'status',
    summary: "every SLO's current numbers from a running collector",
    synopsis: '[--url URL | --input FILE] [--json]',
    flags: SOURCE_FLAGS,
    details:
      "Shows each SLO's own burn-rate windows.\nExit: 0; 1 when the collector does not answer or the file is missing.",
    run: ({ values }, io) =>
      statusCommand(
        {
          url: str(values.url),
          input: str(values.input),
          token: clientToken(values),
          json: values.json === true,
        },
        io
      ),
  },
  {
    name: 'explain',
    summary: 'what burns an SLO: routes, codes, reasons, versions, traces',
    synopsis: 'NAME [--group ATTRIBUTE=VALUE]... [--url URL] [--json]',
    positionals: ['NAME'],
    flags: {
      url: {
        type: 'string',
        value: 'URL',
        help: `a collector (its base URL or its /api/slos; default ${DEFAULT_STATUS_URL})`,
      },
      group: {
        type: 'string',
        value: 'ATTRIBUTE=VALUE',
        multiple: true,
        help: 'a group of a grouped SLO, one flag per groupBy attribute (default: the group burning fastest)',
      },
      json: { type: 'boolean', help: 'print the explanation as JSON' },
      'token-file': SOURCE_FLAGS['token-file'],
    },
    details: `Asks the collector's GET /api/slos/NAME/explain: status, burn per window, since
when it burns, the top offenders (route, status code, failure reason,
service.version) with their share of bad events, a version first seen shortly
before the burn, time to exhaustion, and trace ids to open. The same data gives
the same words. --json prints one object with slo, top (largest first: route,
code, reason, version, bad, share, …) and traceIds. For a grouped SLO (groupBy),
--group http.route=/api/orders picks the group; without it, the group burning
fastest is explained (its values are named in the first line and in group).
Exit: 0; 1 when the collector does not answer or has no such SLO; 2 on a bad flag.
Example: burnrate explain checkout-availability --url http://127.0.0.1:4318`,
    run: ({ values, positionals }, io) => {
      if (positionals[0] === undefined) throw new UsageError('explain: give the SLO name');
      return explainCommand(
        {
          name: positionals[0],
          group: Array.isArray(values.group) ? (values.group as string[]) : [],
          url: str(values.url),
          token: clientToken(values),
          json: values.json === true,
        },
        io
      );
    },
  },
  {
    name: 'report',
    summary: 'SLO report for a period (compliance, budget per week, alerts, burn statistics)',
    synopsis:
      '--period 7d|28d|30d|month (--url URL | --prometheus URL --spec FILE | --input CSV --spec FILE) [-o report.html|report.md]',
    flags: {
      period: {
        type: 'string',
        short: 'p',
        value: 'PERIOD',
        help: '7d, 28d (default), 30d, or month (the last whole calendar month, UTC)',
      },
      url: {
        type: 'string',
        value: 'URL',
        help: 'a running collector (its history of every SLO), e.g. http://127.0.0.1:4318',
      },
      prometheus: {
        type: 'string',
        value: 'URL',
        help: 'a Prometheus server evaluating the generated rules (query_range)',
      },
      input: {
        type: 'string',
        short: 'i',
        value: 'CSV',
        help: 'replay per-minute events (timestamp,total,bad) of one SLO of --spec',
      },
      spec: {
        type: 'string',
        short: 's',
        value: 'FILE',
        help: 'the spec (needed with --prometheus and --input)',
      },
      slo: {
        type: 'string',
        value: 'NAME',
        help: 'report only this SLO (with --input: which SLO the CSV is)',
      },
      end: {
        type: 'string',
        value: 'TIME',
        help: "end of the period, ISO 8601 (default: now, or the CSV's last minute)",
      },
      out: {
        type: 'string',
        short: 'o',
        value: 'FILE',
        help: 'write to FILE; .html gives HTML, anything else Markdown',
      },
      format: {
        type: 'string',
        short: 'f',
        value: 'FORMAT',
        help: 'markdown, html or json (default from -o, else markdown)',
      },
      token: {
        type: 'string',
        value: 'TOKEN',
        help: "the collector's bearer token (visible in ps: prefer --token-file or BURNRATE_TOKEN)",
      },
      'token-file': SOURCE_FLAGS['token-file'],
    },
    details:
      'HTML is one self-contained file (inline style and SVG charts, no script): it can be mailed.\nA progress bar on a terminal while querying.\nExit: 0; 1 when a source does not answer or a file is missing; 2 on a bad flag.\nExample: burnrate report --period month --url http://127.0.0.1:4318 -o report.html',
    run: ({ values }, io) =>
      reportCommand(
        {
          period: str(values.period),
          url: str(values.url),
          prometheus: str(values.prometheus),
          input: str(values.input),
          spec: str(values.spec),
          slo: str(values.slo),
          end: str(values.end),
          out: str(values.out),
          format: str(values.format),
          token: str(values.token),
          tokenFile: str(values['token-file']),
        },
        io
      ),
  },
  {
    name: 'gate',
    summary: 'may a release go out? exit 0 yes, 1 no',
    synopsis:
      '[--url URL | --input FILE | --prometheus URL] [--spec FILE] [--change-type TYPE] [--slo NAME]... [--allow review] [--min-remaining 0.25] [--allow-no-data] [--json]',
    flags: {
      ...SOURCE_FLAGS,
      prometheus: {
        type: 'string',
        value: 'URL',
        help: "a Prometheus server loaded with `burnrate rules` (http://127.0.0.1:9090): the fleet's numbers",
      },
      spec: {
        type: 'string',
        value: 'FILE',
        help: "the spec whose policy decides (default: the collector's, else the defaults)",
      },
      'change-type': {
        type: 'string',
        value: 'TYPE',
        help: "the kind of change (security-fix, rollback, …) for the policy's exceptions",
      },
      slo: {
        type: 'string',
        multiple: true,
        value: 'NAME',
        help: 'judge only these SLOs (repeat)',
      },
      allow: {
        type: 'string',
        value: 'DECISION',
        help: 'strictest decision that passes: approve, review (default), defer, block',
      },
      'min-remaining': {
        type: 'string',
        value: 'SHARE',
        help: 'defer when less budget than this share is left (0.25)',
      },
      'allow-no-data': {
        type: 'boolean',
        help: 'approve SLOs without eligible events for alerting.noDataAfter (status no-data)',
      },
    },
    details: `Each SLO's (and composite's) status gives the decision the error budget policy
allows for it (policy.statuses.<status>.allows; by default healthy → approve,
attention → review, warning and no-data → defer, critical and exhausted → block);
an exception of the policy for --change-type replaces it; the strictest wins.
Each answer names the SLO, why it has its status and the policy rule that decided,
then the policy's actions and contacts. The numbers come from a collector (--url),
a saved /api/slos (--input) or the recorded rules of a Prometheus server
(--prometheus; give --spec for the policy and the composites).
An SLO with no data is approved only with --allow-no-data.
Exit: 0 when it is at most --allow; 1 otherwise, or when the source does not
answer or an SLO is unknown; 2 on a bad flag.`,
    run: ({ values }, io) =>
      gateCommand(
        {
          url: str(values.url),
          input: str(values.input),
          prometheus: str(values.prometheus),
          spec: str(values.spec),
          changeType: str(values['change-type']),
          token: clientToken(values),
          slos: Array.isArray(values.slo) ? values.slo : [],
          allow: str(values.allow),
          minRemaining: str(values['min-remaining']),
          allowNoData: values['allow-no-data'] === true,
          json: values.json === true,
        },
        io
      ),
  },
  {
    name: 'export',
    summary: 'write the spec in another format (OpenSLO v1)',
    synopsis: 'openslo FILE [-o OUT]',
    positionals: ['FORMAT', 'FILE'],
    flags: {
      out: { type: 'string', short: 'o', value: 'OUT', help: 'write to a file (default stdout)' },
    },
    details: `openslo: one OpenSLO v1 SLO document per SLO, SLI and alert policies inline
(each tier's short window in the burnrate/short-window annotation); validate reads it
back into the same SLOs.
Exit: 0; 1 on an invalid or missing spec; 2 on an unknown format.`,
    run: ({ values, positionals }, io) =>
      exportCommand(positionals[0], positionals[1], { out: str(values.out) }, io),
  },
];
