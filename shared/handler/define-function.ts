import type * as v from 'valibot';
import { loadConfig, type Config } from '../config';
import { Deadline } from '../deadline';
import { toWxOpenError, type ErrorAnswer } from '../errors';
import { log } from '../log';
import { WeChatClient } from '../wechat-client';
import { httpAnswer, success, type HttpAnswer, type SuccessAnswer } from './answer';
import { answerText } from './answer-limit';
import { authorize } from './authorize';
import { identifyCaller, type Caller } from './caller';
import { readInput } from './read-input';
import { takeMerchant } from './merchant';
import { validateInput } from './validate';

/** What an operation's `run` gets besides its validated input. */
export interface FunctionContext {
  config: Config;
  deadline: Deadline;
  wechat: WeChatClient;
  caller: Caller;
}

export interface FunctionDefinition<S extends v.GenericSchema, R extends object> {
  /** The cloud function's name (its folder under functions/). */
  name: string;
  /** Input schema: unknown fields and broken rules are refused before any network call. */
  input: S;
  /**
   * Default true: the input may name `authorizer_appid`, and the call then acts for that merchant
   * (third-party mode: its authorizer token for account APIs). False for the platform's own functions.
   */
  actsForMerchant?: boolean;
  run(input: v.InferOutput<S>, context: FunctionContext): Promise<R>;
}

export type FunctionAnswer<R extends object> = SuccessAnswer<R> | ErrorAnswer | HttpAnswer;

/** The SCF handler: `exports.main = async (event, context) => answer`. */
export type CloudFunctionMain<R extends object> = (event: unknown, context?: unknown) => Promise<FunctionAnswer<R>>;

/**
 * Turns an operation into a cloud function that serves every way in: a Mini Program's
 * wx.cloud.callFunction, the HTTP access service, and direct invocation (console, CLI, another
 * function). Caller check, then input validation, then the operation; every outcome is an answer
 * in WeChat's shape (HTTP callers get it as the body with a status from the error's category).
 */
export function defineFunction<S extends v.GenericSchema, R extends object>(definition: FunctionDefinition<S, R>): CloudFunctionMain<R> & { readonly definition: FunctionDefinition<S, R> } {
  const main = async function main(event: unknown, context?: unknown): Promise<FunctionAnswer<R>> {
    const started = Date.now();
    const deadline = Deadline.fromContext(context, started);
    let caller: Caller | undefined;
    try {
      caller = identifyCaller(event, context);
      const config = loadConfig();
      authorize(caller, config);
      const { merchant, rest } = definition.actsForMerchant === false ? { merchant: undefined, rest: readInput(event, caller) } : takeMerchant(readInput(event, caller));
      const input = validateInput(definition.input, rest);
      const client = new WeChatClient({ config, deadline });
      const wechat = merchant === undefined ? client : client.forMerchant(merchant);
      const result = success(await definition.run(input, { config, deadline, wechat, caller }));
      const text = answerText(result, definition.name);
      log('info', 'ok', { fn: definition.name, caller: caller.kind, ms: Date.now() - started });
      return caller.kind === 'http' ? httpAnswer(200, text) : result;
    } catch (thrown) {
      const error = toWxOpenError(thrown);
      log(error.category === 'local' ? 'error' : 'warn', error.message, {
        fn: definition.name,
        caller: caller?.kind,
        errcode: error.errcode,
        category: error.category,
        rid: error.rid,
        ms: Date.now() - started,
      });
      const answer = error.toAnswer();
      return caller?.kind === 'http' ? httpAnswer(error.httpStatus, answer) : answer;
    }
  };
  // Non-enumerable, read by the OpenAPI generator and the typed clients (scripts/openapi, clients/).
  return Object.defineProperty(main, 'definition', { value: definition }) as CloudFunctionMain<R> & { readonly definition: FunctionDefinition<S, R> };
}
