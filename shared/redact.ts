/**
 * Secrets must never reach a log line, an error message or an answer: access tokens of every kind,
 * the app secret, COS signatures and security tokens. Everything printed goes through here.
 */
const QUERY_NAMES = 'access_token|cloudbase_access_token|component_access_token|authorizer_access_token|secret|appsecret|sign|q-signature|q-ak|x-cos-security-token|token';
const JSON_NAMES = 'access_token|cloudbase_access_token|component_access_token|authorizer_access_token|secret|appsecret|token|signed_url|authorization|x-cos-security-token';

/** name=value in a URL or a sentence (at the start, or after ? & ; or white space). */
const SECRET_QUERY = new RegExp(`((?:^|[?&;\\s])(?:${QUERY_NAMES})=)[^&#\\s"'\\\\]*`, 'gi');
/** "name": "value" in JSON, also when that JSON sits escaped inside another string (\"name\":\"value\"). */
const SECRET_JSON = new RegExp(`(\\\\?"(?:${JSON_NAMES})\\\\?"\\s*:\\s*\\\\?")(?:[^"\\\\]|\\\\(?!"))*`, 'gi');
const SECRET_HEADER = /(\b(?:authorization|x-cos-security-token)\s*[:=]\s*)(?:bearer\s+)?[^\s,;"'\\]+/gi;

export function redact(text: string): string {
  return text.replace(SECRET_QUERY, '$1***').replace(SECRET_JSON, '$1***').replace(SECRET_HEADER, '$1***');
}

/** Also hides the exact values given (the configured secret, a token in hand) wherever they appear. */
export function redactValues(text: string, secrets: readonly (string | undefined)[]): string {
  let out = redact(text);
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 6) out = out.split(secret).join('***');
  }
  return out;
}
