import { readFileSync } from 'node:fs';
import { DEFAULT_STATUS_HOST } from '@burnrate/status';

/** Where the `register` entry serves the status page, from `BURNRATE_STATUS_*`. */
export interface StatusPageSettings {
  /** `BURNRATE_STATUS_PORT`: 0 takes any free port. */
  port: number;
  /** `BURNRATE_STATUS_HOST`. @default '127.0.0.1' */
  host: string;
  /**
   * Bearer token `/api/slos*` require: `BURNRATE_TOKEN`, or the first line of
   * the file named by `BURNRATE_TOKEN_FILE`. @default none
   */
  token?: string;
}

function text(value: string | undefined): string | undefined {
  const t = value?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/**
 * The status page settings, or undefined when `BURNRATE_STATUS_PORT` is not
 * set (the page is served only when asked). A value it does not understand is
 * pushed onto `problems`, naming the variable.
 */
export function statusPageFromEnv(
  env: NodeJS.ProcessEnv,
  problems: string[]
): StatusPageSettings | undefined {
  const portText = text(env.BURNRATE_STATUS_PORT);
  if (portText === undefined) return undefined;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    problems.push(`BURNRATE_STATUS_PORT: must be a port 0-65535, got "${portText}"`);
    return undefined;
  }
  const settings: StatusPageSettings = {
    port,
    host: text(env.BURNRATE_STATUS_HOST) ?? DEFAULT_STATUS_HOST,
  };
  const token = text(env.BURNRATE_TOKEN);
  const tokenFile = text(env.BURNRATE_TOKEN_FILE);
  if (token !== undefined && tokenFile !== undefined) {
    problems.push('BURNRATE_TOKEN and BURNRATE_TOKEN_FILE: set one of them, not both');
  } else if (tokenFile !== undefined) {
    let fileText = '';
    try {
      fileText = readFileSync(tokenFile, 'utf8');
    } catch (e) {
      problems.push(`BURNRATE_TOKEN_FILE: cannot read ${tokenFile}: ${(e as Error).message}`);
      return settings;
    }
    const first = fileText.split(/\r?\n/)[0].trim();
    if (first === '')
      problems.push(`BURNRATE_TOKEN_FILE: ${tokenFile} holds no token on its first line`);
    else settings.token = first;
  } else if (token !== undefined) {
    settings.token = token;
  }
  return settings;
}
