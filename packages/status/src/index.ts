export {
  StatusPage,
  selectGroup,
  SLOS_PATH,
  SLO_PATH_PREFIX,
  HISTORY_SUFFIX,
  EXPLAIN_SUFFIX,
} from './status-page';
export type { StatusPageOptions } from './status-page';
export { startStatusServer, DEFAULT_STATUS_HOST, STATUS_MAX_CONNECTIONS } from './status-server';
export type { StatusServerOptions, RunningStatusServer } from './status-server';
export { slosResponse, toJson } from './slos-api';
export type { SloReport, SlosResponse, SlosResponseExtras } from './slos-api';
export { historyResponse } from './history-api';
export type { HistoryResponse, HistoryColumns, HistoryTier } from './history-api';
export { bearerTokenMatches } from './auth';
export { isLoopbackHost } from './loopback';
