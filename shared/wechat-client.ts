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
import { platformTokenProvider, selectTokenProvider } from './tokens/select-provider';
import { AuthorizerTokenProvider } from './tokens/authorizer-token-provider';
import { requireComponent, sharedTokenCacheFor } from './tokens/shared-tokens';

/** What the client needs of a token cache: the instance's own, or the one shared through the store. */
interface TokenAccess {
  get(provider: TokenProvider, deadline: Deadline): Promise<string>;
  invalidate(provider: TokenProvider, failed: string): Promise<boolean>;
}

/** One WeChat API call, as an operation describes it. */
export interface ApiCall {
  /** Path under the API base, e.g. "cgi-bin/wxopen/qrcodejumpadd". */
  path: string;
  body?: unknown;
  /** Which token the API takes. */
  token: TokenKind;
  /** Whether repeating the call is harmless (see http/retry.ts). */
  idempotent: boolean;
  /**
   * cgi-bin/component/* take the component token as ?component_access_token=; others as
   * ?access_token=. (A cloudbase_access_token standing in for it keeps its own name.)
   */
  tokenParam?: 'component_access_token';
}

export interface WeChatClientOptions {
  config: Config;
  deadline: Deadline;
  cache?: TokenCache;
  env?: Readonly<Record<string, string | undefined>>;
  /** Third-party mode: the merchant (authorizer appid) whose account 'access' calls act for. */
  merchant?: string;
  /** Third-party mode: 'component' calls take the platform's own token (never a fixed one). */
  platform?: boolean;
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

  /** The merchant this client acts for (third-party mode), if any. */
  get merchant(): string | undefined {
    return this.options.merchant;
  }

  /** The same client acting for a merchant: its 'access' calls carry that merchant's authorizer token. */
  forMerchant(authorizerAppId: string): WeChatClient {
    return new WeChatClient({ ...this.options, merchant: authorizerAppId });
  }

  /** The same client acting as the third-party platform itself (cgi-bin/component/* calls). */
  forPlatform(): WeChatClient {
    return new WeChatClient({ ...this.options, merchant: undefined, platform: true });
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
    const tokens = this.tokensFor(provider);
    const param = provider.param === 'access_token' && call.tokenParam !== undefined ? call.tokenParam : provider.param;
    let refreshed = false;
    const send = (token: string) =>
      requestJson({
        api: call.path,
        url: `${config.apiBase}/${call.path}?${param}=${encodeURIComponent(token)}`,
        body: call.body ?? {},
        deadline,
        timeoutMs: config.requestTimeoutMs,
      });
    return this.hidingSecrets(provider, () =>
      withRetry(
        async () => {
          const token = await tokens.get(provider, deadline);
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
            const dropped = await tokens.invalidate(provider, token);
            log('warn', 'token refused; refreshing once', { api: call.path, errcode: error.errcode, dropped });
            return await send(await tokens.get(provider, deadline));
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

  /** Shared tokens (component, authorizer) go through the token store; the others stay in this instance. */
  private tokensFor(provider: TokenProvider): TokenAccess {
    if (provider.scope !== 'shared') {
      return { get: (p, deadline) => this.cache.get(p, deadline), invalidate: async (p, failed) => this.cache.invalidate(p.id, failed) };
    }
    return sharedTokenCacheFor(this.options.config, this.options.env);
  }

  private providerFor(kind: TokenKind): TokenProvider {
    let provider = this.providers.get(kind);
    if (provider === undefined) {
      const { config, env, merchant, platform } = this.options;
      if (kind === 'access' && merchant !== undefined) {
        provider = new AuthorizerTokenProvider({
          componentAppId: requireComponent(config).appId,
          authorizerAppId: merchant,
          store: sharedTokenCacheFor(config, env).store,
          // The merchant's token is fetched with the platform's token: a call as the platform.
          callComponent: (call) => this.forPlatform().call(call),
        });
      } else if (kind === 'component' && (merchant !== undefined || platform === true)) {
        provider = platformTokenProvider(config, env);
      } else {
        provider = selectTokenProvider(kind, config, env);
      }
      this.providers.set(kind, provider);
    }
    return provider;
  }
}
