import type { Deadline } from '../deadline';
import { secretTag } from './secret-tag';
import type { IssuedToken, TokenParam, TokenProvider } from './token-provider';

/**
 * A token handed in from outside (e.g. WXOPEN_COMPONENT_ACCESS_TOKEN kept fresh by a platform's
 * central token service). It cannot be refreshed here: when WeChat refuses it, the call fails
 * with TOKEN_REJECTED instead of looping.
 */
export class FixedTokenProvider implements TokenProvider {
  readonly refreshable = false;
  readonly id: string;
  readonly secrets: readonly string[];

  constructor(
    private readonly value: string,
    readonly param: TokenParam,
    /** Where the token came from, for messages: the variable's name. */
    readonly source: string,
  ) {
    this.id = `fixed:${source}:${secretTag(value)}`;
    this.secrets = [value];
  }

  async fetch(_deadline: Deadline): Promise<IssuedToken> {
    return { value: this.value, refreshAt: Number.MAX_SAFE_INTEGER };
  }
}
