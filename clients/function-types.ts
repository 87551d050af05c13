/**
 * The types of every callable function's input and answer, inferred from the functions themselves:
 * the input from the valibot schema each validates with (`v.InferInput`, what a caller sends), the
 * answer from what its `run` returns (`{errcode: 0, errmsg: 'ok'}` and its fields). Type-only
 * imports: nothing of the functions is bundled into a caller. A schema change that breaks a
 * caller's call breaks its type check (`npm test` type-checks the examples and
 * test/types/function-types.check.ts).
 */
import type * as v from 'valibot';
import type { ErrorAnswer, FieldProblem, ChainStep } from '../shared/errors';
import type { SuccessAnswer } from '../shared/handler/answer';

export type { ErrorAnswer, FieldProblem, ChainStep };

/** Each callable function's `main` (functions/<name>/index.ts), by name. */
interface Mains {
  addJumpQRCode: typeof import('../functions/addJumpQRCode/index').main;
  applyCode: typeof import('../functions/applyCode/index').main;
  applyCodeDownload: typeof import('../functions/applyCodeDownload/index').main;
  applyCodeQuery: typeof import('../functions/applyCodeQuery/index').main;
  codeActive: typeof import('../functions/codeActive/index').main;
  codeActiveQuery: typeof import('../functions/codeActiveQuery/index').main;
  completeAuthorization: typeof import('../functions/completeAuthorization/index').main;
  createAuthorizationLinks: typeof import('../functions/createAuthorizationLinks/index').main;
  deleteJumpQRCode: typeof import('../functions/deleteJumpQRCode/index').main;
  deployStaticSite: typeof import('../functions/deployStaticSite/index').main;
  downloadQRCodeText: typeof import('../functions/downloadQRCodeText/index').main;
  exportCodePackage: typeof import('../functions/exportCodePackage/index').main;
  getAuthorizerInfo: typeof import('../functions/getAuthorizerInfo/index').main;
  getDownloadTcbFileLink: typeof import('../functions/getDownloadTcbFileLink/index').main;
  getJumpQRCode: typeof import('../functions/getJumpQRCode/index').main;
  getStaticHostingDomain: typeof import('../functions/getStaticHostingDomain/index').main;
  getUploadStaticStoreFile: typeof import('../functions/getUploadStaticStoreFile/index').main;
  listAuthorizers: typeof import('../functions/listAuthorizers/index').main;
  listStaticFiles: typeof import('../functions/listStaticFiles/index').main;
  publishJumpQRCode: typeof import('../functions/publishJumpQRCode/index').main;
  setupQRCodeJump: typeof import('../functions/setupQRCodeJump/index').main;
  startTicketPush: typeof import('../functions/startTicketPush/index').main;
  ticketToCode: typeof import('../functions/ticketToCode/index').main;
  uploadStaticFile: typeof import('../functions/uploadStaticFile/index').main;
}

export type FunctionName = keyof Mains;

/** Every callable function, for code that needs the names at run time (the OpenAPI test checks the list against functions/). */
export const FUNCTION_NAMES = [
  'addJumpQRCode',
  'applyCode',
  'applyCodeDownload',
  'applyCodeQuery',
  'codeActive',
  'codeActiveQuery',
  'completeAuthorization',
  'createAuthorizationLinks',
  'deleteJumpQRCode',
  'deployStaticSite',
  'downloadQRCodeText',
  'exportCodePackage',
  'getAuthorizerInfo',
  'getDownloadTcbFileLink',
  'getJumpQRCode',
  'getStaticHostingDomain',
  'getUploadStaticStoreFile',
  'listAuthorizers',
  'listStaticFiles',
  'publishJumpQRCode',
  'setupQRCodeJump',
  'startTicketPush',
  'ticketToCode',
  'uploadStaticFile',
] as const satisfies readonly FunctionName[];

// Every key of Mains is in FUNCTION_NAMES (the list above cannot miss one).
const everyNameListed: Exclude<FunctionName, (typeof FUNCTION_NAMES)[number]> extends never ? true : never = true;
void everyNameListed;

/** The platform's own functions (`actsForMerchant: false`): they take no `authorizer_appid`. */
export const PLATFORM_FUNCTIONS = ['completeAuthorization', 'createAuthorizationLinks', 'getAuthorizerInfo', 'listAuthorizers', 'startTicketPush'] as const satisfies readonly FunctionName[];

type Definition<N extends FunctionName> = Mains[N]['definition'];

/** A schema without fields takes `{}` and nothing else (TypeScript's `{}` would take any object). */
type NoneIfEmpty<T> = [keyof T] extends [never] ? Record<string, never> : T;

/** What a function's schema takes, as a caller writes it. */
export type SchemaInput<N extends FunctionName> = NoneIfEmpty<v.InferInput<Definition<N>['input']>>;

/** Third-party mode: the merchant the call acts for (every function but the platform's own). */
export interface MerchantField {
  authorizer_appid?: string;
}

/** What a caller sends to function N. */
export type Input<N extends FunctionName> = N extends (typeof PLATFORM_FUNCTIONS)[number] ? SchemaInput<N> : SchemaInput<N> & MerchantField;

/** Function N's success answer: `errcode` 0, `errmsg` "ok", then its own fields. */
export type Answer<N extends FunctionName> = SuccessAnswer<Awaited<ReturnType<Definition<N>['run']>>>;

/** Either answer of function N, as it arrives (tell them apart with `isErrorAnswer`). */
export type AnyAnswer<N extends FunctionName> = Answer<N> | ErrorAnswer;

/** An error answer: `errcode` other than 0 (every answer carries a numeric errcode). */
export function isErrorAnswer(answer: unknown): answer is ErrorAnswer {
  return typeof answer === 'object' && answer !== null && typeof (answer as { errcode?: unknown }).errcode === 'number' && (answer as { errcode: number }).errcode !== 0;
}
