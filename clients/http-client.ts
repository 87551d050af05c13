/**
 * A typed caller of the functions over HTTP (the TCB HTTP access service, or the local gateway of
 * `npm start`): `POST <baseUrl>/<name>` with the JSON input and `Authorization: Bearer <key>`.
 * Inputs and answers are typed per function (function-types.ts); an error answer is thrown as a
 * FunctionCallError carrying the answer and the HTTP status.
 *
 *   const wxopen = createHttpClient({ baseUrl: 'http://127.0.0.1:8788', key: process.env.WXOPEN_HTTP_KEY ?? '' });
 *   const { rule_list } = await wxopen.call('getJumpQRCode', {});
 */
import { FunctionCallError, UnexpectedReplyError } from './call-error';
import { isErrorAnswer, type AnyAnswer, type Answer, type FunctionName, type Input } from './function-types';

export interface HttpClientOptions {
  /** Where the functions are bound, without a trailing path: `https://<env>.service.tcloudbase.com` or the gateway's URL. */
  baseUrl: string;
  /** The functions' WXOPEN_HTTP_KEY. */
  key: string;
  /** Another fetch (tests, proxies); default the global one. */
  fetch?: typeof fetch;
  /** Per-call time limit in ms (default 65 000: a little over the longest function timeout). */
  timeoutMs?: number;
}

export interface HttpClient {
  /** Calls function `name`: its success answer, or a thrown FunctionCallError / UnexpectedReplyError. */
  call<N extends FunctionName>(name: N, input: Input<N>): Promise<Answer<N>>;
  /** Calls function `name` and gives whichever answer came, with the HTTP status (nothing thrown for an error answer). */
  answer<N extends FunctionName>(name: N, input: Input<N>): Promise<{ status: number; answer: AnyAnswer<N> }>;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const send = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 65_000;

  async function answer<N extends FunctionName>(name: N, input: Input<N>): Promise<{ status: number; answer: AnyAnswer<N> }> {
    const response = await send(`${base}/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UnexpectedReplyError(name, response.status, text);
    }
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { errcode?: unknown }).errcode !== 'number') throw new UnexpectedReplyError(name, response.status, text);
    return { status: response.status, answer: parsed as AnyAnswer<N> };
  }

  return {
    answer,
    async call(name, input) {
      const reply = await answer(name, input);
      if (isErrorAnswer(reply.answer)) throw new FunctionCallError(name, reply.answer, reply.status);
      return reply.answer as Answer<typeof name>;
    },
  };
}
