/**
 * Secrets must never reach a log line, an error message or an answer: access tokens of every kind,
 * the app secret, COS signatures and security tokens. Everything printed goes through here.
 *
 * The rule: a secret is the value after a name that carries one (`access_token=`, `"secret":`,
 * `Authorization: Bearer`). A value that only stands for one is documentation, not a secret, and is
 * kept: a placeholder in angle brackets (`<WXOPEN_HTTP_KEY>`), a shell expansion (`$WXOPEN_HTTP_KEY`,
 * `${KEY}`), the literal name of a variable (`WXOPEN_HTTP_KEY`: capitals, digits and at least one
 * underscore), or an elision (`...`, `…`, `***`). Anything else after such a name is hidden.
 */
const QUERY_NAMES = 'access_token|cloudbase_access_token|component_access_token|authorizer_access_token|secret|appsecret|sign|q-signature|q-ak|x-cos-security-token|token';
const JSON_NAMES = 'access_token|cloudbase_access_token|component_access_token|authorizer_access_token|secret|appsecret|token|signed_url|authorization|x-cos-security-token';

/** name=value in a URL or a sentence (at the start, or after ? & ; or white space). */
const SECRET_QUERY = new RegExp(`((?:^|[?&;\\s])(?:${QUERY_NAMES})=)([^&#\\s"'\\\\]*)`, 'gi');
/** "name": "value" in JSON, also when that JSON sits escaped inside another string (\"name\":\"value\"). */
const SECRET_JSON = new RegExp(`(\\\\?"(?:${JSON_NAMES})\\\\?"\\s*:\\s*\\\\?")((?:[^"\\\\]|\\\\(?!"))*)`, 'gi');
/** `Authorization: Bearer value` and `x-cos-security-token: value` (also with `=`). */
const SECRET_HEADER = /(\b(?:authorization|x-cos-security-token)\s*[:=]\s*)((?:bearer\s+)?)([^\s,;"'\\]+)/gi;

/**
 * What stands for a secret without being one (see the rule above). Sentence punctuation after it is
 * allowed. The ellipsis is written \u2026 so that the bundles stay ASCII (test/integration/build-output.test.ts).
 */
const PLACEHOLDER = /^(?:<[^<>]+>|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|\.{3}|\u2026|\*{3})[.)\]]*$/;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/**
 * Words one of which every name above contains (access_token, signed_url, q-signature, q-ak,
 * authorization...): a text with none of them holds nothing the patterns would hide. Checked first
 * because most log lines (`ok fn=... ms=...`) have none, and the three patterns cost a cold start
 * about 0.4 ms the first time they run.
 */
const NAME_WORDS: readonly string[] = ['token', 'secret', 'sign', 'q-ak', 'authorization'];

function mayNameASecret(text: string): boolean {
  const lower = text.toLowerCase();
  return NAME_WORDS.some((word) => lower.includes(word));
}

export function redact(text: string): string {
  return mayNameASecret(text) ? hideNamedSecrets(text) : text;
}

/** The patterns alone, without the quick check (exported for the test that holds the two to the same answers). */
export function hideNamedSecrets(text: string): string {
  return text
    .replace(SECRET_QUERY, (match: string, name: string, value: string) => (value === '' || isPlaceholder(value) ? match : `${name}***`))
    .replace(SECRET_JSON, (match: string, name: string, value: string) => (value === '' || isPlaceholder(value) ? match : `${name}***`))
    .replace(SECRET_HEADER, (match: string, name: string, _scheme: string, value: string) => (isPlaceholder(value) ? match : `${name}***`));
}

/** Also hides the exact values given (the configured secret, a token in hand) wherever they appear. */
export function redactValues(text: string, secrets: readonly (string | undefined)[]): string {
  let out = redact(text);
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 6) out = out.split(secret).join('***');
  }
  return out;
}
