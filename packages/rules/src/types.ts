/** Output format of {@link generateRules}. */
export type RulesFormat = 'prometheus' | 'prometheus-operator';

/** Options of {@link buildRuleGroups} and {@link generateRules}. */
export interface RulesOptions {
  /**
   * `prometheus`: a rule file for `rule_files`; `prometheus-operator`: the same
   * groups wrapped in a `PrometheusRule` resource.
   * @default 'prometheus'
   */
  format?: RulesFormat;
  /** Evaluation interval of every group (`30s`); @default the Prometheus global interval */
  interval?: string;
  /** `metadata.name` of the `PrometheusRule`; @default 'burnrate-slos' */
  name?: string;
  /** `metadata.namespace` of the `PrometheusRule`; @default none */
  namespace?: string;
  /** `metadata.labels` of the `PrometheusRule` (the operator's `ruleSelector`, say `release: prometheus`). */
  resourceLabels?: Readonly<Record<string, string>>;
  /** Only these SLOs (by name); @default every SLO of the spec */
  slos?: readonly string[];
}

/** A Prometheus recording rule. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

/** A Prometheus alerting rule. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A rule group. */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<RecordingRule | AlertingRule>;
}

/** A Prometheus rule file: what `rule_files` loads and `promtool check rules` reads. */
export interface RuleFile {
  groups: RuleGroup[];
}

/** The prometheus-operator `PrometheusRule` custom resource. */
export interface PrometheusRuleResource {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'PrometheusRule';
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: RuleFile;
}
