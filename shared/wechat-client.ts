import type { Config } from './config';
import type { Deadline } from './deadline';
import { LOCAL, TOKEN_ERROR_CODES } from './error-codes';
import { LocalError, WeChatApiError } from './errors';
import { requestJson } from './http/request-json';
import { withRetry } from './http/retry';
import { log } from './log';
import { redactValues } from './redact';
import { instanceTokenCache, type TokenCache } from './tokens/token-cache';
import type { TokenKind, TokenProvider } from './tokens/token-provider';
import { selectTokenProvider } from './tokens/select-provider';

/** One WeChat API call, as an operation describes it. */
export interface ApiCall {
  /** Path under the API base, e.g. "cgi-bin/wxopen/qrcodejumpadd". */
  path: string;
  body?: unknown;
  /** Which token the API takes. */
  token: TokenKind;
  /** Whether repeating the call is harmless (see http/retry.ts). */
  idempotent: boolean;
}

export interface WeChatClientOptions {
  config: Config;
  deadline: Deadline;
  cache?: TokenCache;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The one way functions talk to WeChat: token in the query string, a deadline on every request,
 * retries for busy answers, and one refresh-and-retry when WeChat says the token went bad
 * (40001/40014/42001), invalidating it only if it is still the cached one.
 */
export class WeChatClient {
  private readonly providers = new Map<TokenKind, TokenProvider>();
  private readonly cache: TokenCache;

  constructor(private readonly options: WeChatClientOptions) {
    this.cache = options.cache ?? instanceTokenCache;
  }

  get deadline(): Deadline {
    return this.options.deadline;
  }

  /** WXOPEN_API_BASE as configured: decides which non-COS hosts may receive uploads (the emulator). */
  get apiBase(): string {
    return this.options.config.apiBase;
  }

  async call(call: ApiCall): Promise<Record<string, unknown>> {
    const provider = this.providerFor(call.token);
    const { deadline, config } = this.options;
    let refreshed = false;
    const send = (token: string) =>
      requestJson({
        api: call.path,
        url: `${config.apiBase}/${call.path}?${provider.param}=${encodeURIComponent(token)}`,
        body: call.body ?? {},
        deadline,
        timeoutMs: config.requestTimeoutMs,
      });
    return this.hidingSecrets(provider, () =>
      withRetry(
        async () => {
          const token = await this.cache.get(provider, deadline);
          try {
            return await send(token);
          } catch (error) {
            if (!(error instanceof WeChatApiError) || !TOKEN_ERROR_CODES.has(error.errcode)) throw error;
            if (!provider.refreshable) {
              throw new LocalError(LOCAL.TOKEN_REJECTED, `${call.path}: WeChat refused the configured token (${error.errcode}: ${error.message})`, {
                cause: error,
                ...(error.rid === undefined ? {} : { rid: error.rid }),
              });
            }
            if (refreshed) throw error;
            refreshed = true;
            const dropped = this.cache.invalidate(provider.id, token);
            log('warn', 'token refused; refreshing once', { api: call.path, errcode: error.errcode, dropped });
            return await send(await this.cache.get(provider, deadline));
          }
        },
        { api: call.path, idempotent: call.idempotent, deadline },
      ),
    );
  }

  /**
   * WeChat sometimes echoes what it was sent: an error that quotes the app secret or a fixed
   * token in hand has it replaced before the error travels on.
   */
  private async hidingSecrets<T>(provider: TokenProvider, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Error && provider.secrets.length > 0) error.message = redactValues(error.message, provider.secrets);
      throw error;
    }
  }

  private providerFor(kind: TokenKind): TokenProvider {
    let provider = this.providers.get(kind);
    if (provider === undefined) {
      provider = selectTokenProvider(kind, this.options.config, this.options.env);
      this.providers.set(kind, provider);
    }
    return provider;
  }
}
