import { LOCAL } from '../../shared/error-codes';
import { LocalError } from '../../shared/errors';
import fc from 'fast-check';
import { hideNamedSecrets, isPlaceholder, redact } from '../../shared/redact';

describe('redaction hides secrets, not the documentation of where they go', () => {
  it('keeps our own hint for a call without the key', () => {
    const answer = new LocalError(LOCAL.UNAUTHENTICATED, 'missing bearer key').toAnswer();
    expect(answer.hint).toBe('Send the key as "Authorization: Bearer <WXOPEN_HTTP_KEY>".');
  });

  it('keeps placeholders: angle brackets, shell expansions, variable names, elisions', () => {
    for (const text of [
      'Authorization: Bearer <WXOPEN_HTTP_KEY>',
      'Authorization: Bearer <key>.',
      '-H "Authorization: Bearer $WXOPEN_HTTP_KEY"',
      'Authorization: Bearer ${WXOPEN_HTTP_KEY}',
      'authorization: Bearer WXOPEN_HTTP_KEY',
      'x-cos-security-token: <token>',
      'POST /x?access_token=<ACCESS_TOKEN>&b=1',
      'secret=... and token=***',
      '{"token": "<token>", "secret": "WXOPEN_APPSECRET"}',
    ]) {
      expect(redact(text)).toBe(text);
    }
    expect(isPlaceholder('<WXOPEN_HTTP_KEY>')).toBe(true);
    expect(isPlaceholder('$KEY')).toBe(true);
    expect(isPlaceholder('KEY')).toBe(false); // no underscore: could be a real value
  });

  it('still hides real values after the same names', () => {
    const cases: Array<[string, string]> = [
      ['Authorization: Bearer k3y-0123456789abcdef', 'Authorization: ***'],
      ['authorization: Bearer AbCdEfGhIjKlMnOpQrStUvWx', 'authorization: ***'],
      ['authorization=Bearer <a>b', 'authorization=***'], // not a placeholder as a whole
      ['x-cos-security-token: 7f3a9b', 'x-cos-security-token: ***'],
      ['GET /x?access_token=AT_abc&b=1', 'GET /x?access_token=***&b=1'],
      ['{"secret":"s3cr3t","token":"cos"}', '{"secret":"***","token":"***"}'],
      ['{\\"access_token\\":\\"AT_abcdef\\"}', '{\\"access_token\\":\\"***\\"}'],
      ['Authorization: Bearer ABCDEF0123456789ABCDEF01', 'Authorization: ***'], // capitals without underscore: a value
    ];
    for (const [text, expected] of cases) expect({ text, out: redact(text) }).toEqual({ text, out: expected });
  });

  it('answers as the patterns alone do, for any text: the quick check skips only texts they leave as they are', () => {
    // Fragments of names in any case, the separators the patterns look for, and characters whose
    // case mapping is not ASCII (the long s, the Kelvin sign, dotted capital I).
    const fragment = fc.constantFrom('access_', 'Token', 'TOKEN', 'tok', 'en', 'secret', 'SeCrEt', 'app', 'sign', 'SIGN', 'ed_url', 'q-', 'ak', 'Q-AK', 'author', 'AUTHORIZATION', 'ization', 'x-cos-security-', 'bearer ', '=', ':', '"', '\\"', ' ', '&', '?', 'abc123', '<KEY>', '\u017f', '\u212a', '\u0130', 'ok fn=getJumpQRCode ms=12');
    fc.assert(fc.property(fc.array(fragment, { maxLength: 12 }), (parts) => {
      const text = parts.join('');
      return redact(text) === hideNamedSecrets(text);
    }), { numRuns: 5000 });
  });

  it('leaves an ordinary log line alone without running the patterns', () => {
    const line = '{"level":"info","message":"ok","fn":"getJumpQRCode","caller":"direct","ms":18}';
    expect(redact(line)).toBe(line);
    expect(redact('{"access_token":"abc","expires_in":7200}')).toBe('{"access_token":"***","expires_in":7200}');
  });
});
