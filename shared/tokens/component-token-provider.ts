import { componentTokenId, platformState, TICKET_LIFETIME_MS, type StoredTicket } from '../component/platform-state';
import type { ComponentConfig } from '../config';
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { requestToken } from './token-endpoint';
import { keepForSeconds } from './stable-token-provider';
import type { TokenStore } from './store/token-store';
import type { IssuedToken, TokenProvider } from './token-provider';

export interface ComponentTokenOptions {
  apiBase: string;
  requestTimeoutMs: number;
  component: ComponentConfig;
  store: TokenStore;
  now?: () => number;
}

/**
 * The platform's component_access_token from POST cgi-bin/component/api_component_token, with the
 * newest component_verify_ticket that componentEvents stored. Shared through the token store:
 * each fetch invalidates the previous token (after 5 minutes), so instances must never each fetch.
 * Sent as ?access_token= to componenttcb/* and as ?component_access_token= to cgi-bin/component/*.
 */
export class ComponentTokenProvider implements TokenProvider {
  readonly param = 'access_token' as const;
  readonly refreshable = true;
  readonly scope = 'shared' as const;
  readonly id: string;
  readonly secrets: readonly string[];

  constructor(private readonly options: ComponentTokenOptions) {
    this.id = componentTokenId(options.component.appId);
    this.secrets = [options.component.appSecret];
  }

  async prepare(): Promise<(deadline: Deadline) => Promise<IssuedToken>> {
    const ticket = await this.usableTicket();
    return (deadline) => this.fetchWith(ticket, deadline);
  }

  private async usableTicket(): Promise<StoredTicket> {
    const { component, store } = this.options;
    const now = (this.options.now ?? Date.now)();
    const ticket = await platformState.readTicket(store, component.appId);
    if (ticket === undefined) {
      throw new LocalError(LOCAL.TICKET_UNAVAILABLE, `component token: no component_verify_ticket stored for ${component.appId} in the ${store.name} token store`);
    }
    if (now - ticket.receivedAt > TICKET_LIFETIME_MS) {
      throw new LocalError(LOCAL.TICKET_UNAVAILABLE, `component token: the newest component_verify_ticket for ${component.appId} is older than 12 hours (pushes stopped)`);
    }
    return ticket;
  }

  async fetch(deadline: Deadline): Promise<IssuedToken> {
    return this.fetchWith(await this.usableTicket(), deadline);
  }

  private async fetchWith(ticket: StoredTicket, deadline: Deadline): Promise<IssuedToken> {
    const { component } = this.options;
    const now = (this.options.now ?? Date.now)();
    const api = 'cgi-bin/component/api_component_token';
    const { value, expiresIn } = await requestToken({
      api,
      url: `${this.options.apiBase}/${api}`,
      body: { component_appid: component.appId, component_appsecret: component.appSecret, component_verify_ticket: ticket.ticket },
      field: 'component_access_token',
      deadline,
      timeoutMs: this.options.requestTimeoutMs,
    });
    return { value, refreshAt: now + keepForSeconds(expiresIn) * 1000 };
  }
}
