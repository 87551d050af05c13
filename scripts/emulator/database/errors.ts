/**
 * Errors the database stand-in answers as `{requestId, code, message}` with HTTP 200, which
 * node-sdk 3.18.3 throws as a TcbError carrying `code`, `message` and `requestId`.
 *
 * Codes the real service is known to use: DATABASE_COLLECTION_NOT_EXIST, DATABASE_DUPLICATE_WRITE,
 * DATABASE_TRANSACTION_CONFLICT, DATABASE_REQUEST_FAILED, INVALID_PARAM. The emulator's own choices
 * (the real code is not documented, or there is none): DATABASE_COLLECTION_ALREADY_EXIST,
 * INVALID_ACTION (an action the emulator does not serve) and EMULATOR_UNSUPPORTED (valid for the real
 * service, such as geo queries, but not emulated: answered loudly rather than approximated).
 */
export const DB_ERRORS = {
  COLLECTION_NOT_EXIST: 'DATABASE_COLLECTION_NOT_EXIST',
  COLLECTION_ALREADY_EXIST: 'DATABASE_COLLECTION_ALREADY_EXIST',
  DUPLICATE_WRITE: 'DATABASE_DUPLICATE_WRITE',
  TRANSACTION_CONFLICT: 'DATABASE_TRANSACTION_CONFLICT',
  REQUEST_FAILED: 'DATABASE_REQUEST_FAILED',
  INVALID_PARAM: 'INVALID_PARAM',
  INVALID_ACTION: 'INVALID_ACTION',
  UNSUPPORTED: 'EMULATOR_UNSUPPORTED',
} as const;

export type DatabaseErrorCode = (typeof DB_ERRORS)[keyof typeof DB_ERRORS];

export class DatabaseError extends Error {
  constructor(
    readonly code: DatabaseErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function invalidParam(message: string): never {
  throw new DatabaseError(DB_ERRORS.INVALID_PARAM, message);
}

export function requestFailed(message: string): never {
  throw new DatabaseError(DB_ERRORS.REQUEST_FAILED, message);
}

export function unsupported(what: string): never {
  throw new DatabaseError(DB_ERRORS.UNSUPPORTED, `${what} is not supported by the emulator's database`);
}
