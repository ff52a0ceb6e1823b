import { readFileSync } from 'node:fs';
import { CliError, UsageError } from './io';

/** How a command was given the bearer token of a collector (or a `register` status page). */
export interface TokenSource {
  /** `--token TOKEN` (visible in `ps`: prefer the others). */
  token?: string;
  /** `--token-file FILE`: its first line. */
  tokenFile?: string;
}

/** The token of `--token-file` (its first line, trimmed); undefined without the flag. */
export function tokenFromFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--token-file: cannot read ${file}: ${(e as Error).message}`);
  }
  const token = text.split(/\r?\n/)[0].trim();
  if (token === '') throw new UsageError(`--token-file: ${file} holds no token on its first line`);
  return token;
}

/**
 * The bearer token to send or require: `--token`, else `--token-file`, else
 * the `BURNRATE_TOKEN` environment variable; undefined when none is set.
 */
export function resolveToken(
  source: TokenSource,
  env: NodeJS.ProcessEnv = process.env
): string | undefined {
  if (source.token !== undefined && source.tokenFile !== undefined)
    throw new UsageError('give one of --token and --token-file, not both');
  const fromEnv = env.BURNRATE_TOKEN?.trim();
  return source.token ?? tokenFromFile(source.tokenFile) ?? (fromEnv === '' ? undefined : fromEnv);
}

/**
 * `GET url` with `Authorization: Bearer <token>` when a token is given. A
 * network failure is a {@link CliError} naming the URL; the response is
 * returned whatever its status (see {@link failure}).
 */
export async function apiGet(
  url: string,
  token: string | undefined,
  timeoutMs = 10_000
): Promise<Response> {
  try {
    return await fetch(url, {
      headers: token !== undefined ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const cause = (e as { cause?: Error }).cause;
    throw new CliError(`${url}: ${(e as Error).message}${cause ? ` (${cause.message})` : ''}`);
  }
}

/** The one-line error for a response that is not 2xx; a 401 says how to give the token. */
export function failure(url: string, res: Response, token: string | undefined): CliError {
  const hint =
    res.status !== 401
      ? ''
      : token === undefined
        ? ' (a bearer token is required: give --token-file FILE or set BURNRATE_TOKEN)'
        : ' (the bearer token was refused)';
  return new CliError(`${url}: HTTP ${res.status}${hint}`);
}
