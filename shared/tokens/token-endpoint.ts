import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { requestJson } from '../http/request-json';
import { withRetry } from '../http/retry';

export interface TokenRequest {
  /** e.g. "cgi-bin/stable_token" */
  api: string;
  url: string;
  body: Record<string, unknown>;
  /** The answer's field that holds the token, e.g. "access_token". */
  field: string;
  deadline: Deadline;
  timeoutMs: number;
}

/**
 * One call to a token endpoint that takes credentials in its body (stable_token,
 * api_component_token): busy answers retried within the deadline (a token call is idempotent),
 * the answer checked for a token and a positive lifetime.
 */
export async function requestToken(request: TokenRequest): Promise<{ value: string; expiresIn: number }> {
  const { api, deadline } = request;
  const body = await withRetry(() => requestJson({ api, url: request.url, body: request.body, deadline, timeoutMs: request.timeoutMs }), { api, idempotent: true, deadline });
  const value = body[request.field];
  const expiresIn = body['expires_in'];
  if (typeof value !== 'string' || value === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
    throw new LocalError(LOCAL.BAD_UPSTREAM_RESPONSE, `${api}: answer has no ${request.field} and positive expires_in`);
  }
  return { value, expiresIn };
}
