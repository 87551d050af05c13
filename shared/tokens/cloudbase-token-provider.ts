import { readFile } from 'node:fs';
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import type { IssuedToken, TokenProvider } from './token-provider';

/** A file's text. node:fs's callback form: node:fs/promises is a module of its own a cold start would load. */
function readText(file: string): Promise<string> {
  return new Promise((resolve, reject) => readFile(file, 'utf8', (error, text) => (error === null ? resolve(text) : reject(error))));
}

/** The runtime rewrites the token every 10 minutes and each lasts 30: re-reading each minute is plenty. */
const REREAD_AFTER_MS = 60_000;

/**
 * The cloudbase_access_token ("微信令牌") that the TCB runtime provides: per call in the variable
 * WX_CLOUDBASE_ACCESSTOKEN, or in a file the runtime keeps fresh. Sent as ?cloudbase_access_token=.
 * For a third-party platform's environment it stands in for the component_access_token.
 */
export class CloudbaseTokenProvider implements TokenProvider {
  readonly param = 'cloudbase_access_token' as const;
  readonly refreshable = true;
  readonly secrets: readonly string[] = [];
  readonly id: string;

  constructor(
    private readonly file: string,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    private readonly now: () => number = Date.now,
  ) {
    this.id = `cloudbase:${file}`;
  }

  async fetch(_deadline: Deadline): Promise<IssuedToken> {
    const fromEnv = this.env['WX_CLOUDBASE_ACCESSTOKEN']?.trim();
    let value = fromEnv;
    if (value === undefined || value === '') {
      try {
        value = (await readText(this.file)).trim();
      } catch (error) {
        throw new LocalError(LOCAL.TOKEN_UNAVAILABLE, `cloudbase_access_token: cannot read ${this.file}`, { cause: error });
      }
    }
    if (value === '') {
      throw new LocalError(LOCAL.TOKEN_UNAVAILABLE, `cloudbase_access_token: ${this.file} is empty`);
    }
    return { value, refreshAt: this.now() + REREAD_AFTER_MS };
  }
}
