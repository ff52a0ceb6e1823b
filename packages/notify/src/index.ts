export {
  SloNotifier,
  DEFAULT_EVALUATION_INTERVAL_MS,
  DEFAULT_RESEND_INTERVAL_MS,
  RESOLVED_RETENTION_MS,
  ALERTMANAGER_ALERTS_PATH,
  MAX_OFFENDERS,
  defaultWebhookFormat,
} from './slo-notifier';
export { AlertTracker } from './alert-tracker';
export type { TierTransition, TrackedAlert } from './alert-tracker';
export {
  DeliveryQueue,
  resolveTarget,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_RETRIES,
  DEFAULT_QUEUE_SIZE,
  DEFAULT_BACKOFF_MS,
  DEFAULT_MAX_BACKOFF_MS,
} from './delivery-queue';
export type { DropReason, ReceiverKind, DeliveryCounts, ResolvedTarget } from './delivery-queue';
export { postJson } from './http-post';
export type { PostResult } from './http-post';
export { buildNotice, exhaustionSeconds } from './alert-notice';
export {
  alertmanagerAlert,
  jsonWebhookBody,
  slackWebhookBody,
  webhookBody,
  incidentLength,
  WEBHOOK_BODY_VERSION,
} from './message-formats';
export type { AlertmanagerAlert, JsonWebhookBody, SlackWebhookBody } from './message-formats';
export {
  METRIC_NOTIFICATIONS_SENT,
  METRIC_NOTIFICATIONS_DROPPED,
  METRIC_NOTIFICATIONS_RETRIES,
  METRIC_NOTIFICATIONS_QUEUED,
  METRIC_ALERT_TRANSITIONS,
  ATTR_RECEIVER,
  ATTR_DROP_REASON,
  ATTR_ALERT_STATE,
  NOTIFY_METER_NAME,
} from './semconv';
export type {
  WebhookFormat,
  ReceiverTarget,
  AlertmanagerTarget,
  WebhookTarget,
  AlertDetails,
  AlertDetailsSource,
  NotifierLogger,
  SloNotifierOptions,
  AlertState,
  BurnRateReading,
  Offender,
  AlertNotice,
} from './types';
export {
  readNotificationSettings,
  notificationSettingsFromEnv,
  parseHeaders,
  NOTIFICATION_SETTING_KEYS,
} from './settings';
export type { NotificationSettings, SettingsProblem } from './settings';
