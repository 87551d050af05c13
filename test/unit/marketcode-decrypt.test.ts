import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { LOCAL } from '../../shared/error-codes';
import { LocalError } from '../../shared/errors';
import {
  decryptCodePackage,
  encryptCodePackage,
  parseMarketCodeKey,
  type DecryptedCodePackage,
} from '../../shared/marketcode/decrypt';
import { firstNonBlankLines } from '../../shared/marketcode/parse-package';

const KEY_TEXT = 'Qm7xK2pL9vR4tW8z';
const KEY = parseMarketCodeKey(KEY_TEXT);

/** Encrypts with the openssl command line: an implementation independent of the module under test. */
function opensslEncrypt(plaintext: string | Buffer, keyText = KEY_TEXT): string {
  const hex = Buffer.from(keyText, 'utf8').toString('hex');
  const result = spawnSync('openssl', ['enc', '-aes-128-cbc', '-K', hex, '-iv', hex, '-base64', '-A'], {
    input: plaintext,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr.toString()}`);
  return result.stdout.toString('ascii');
}

/** Deterministic pseudo-random bytes, so any failure reproduces. */
function pseudoRandomBytes(seed: string, length: number): Buffer {
  return createHash('sha256').update(seed).digest().subarray(0, length);
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function fakeCode(index: number, length: number): string {
  const digest = createHash('sha256').update(`code-${index}`).digest();
  let code = '';
  for (let i = 0; i < length; i += 1) code += ALPHANUMERIC[(digest[i] ?? 0) % ALPHANUMERIC.length];
  return code;
}

function codeLine(index: number): string {
  return `${index},${fakeCode(index, 9)},P.URL.CN/0U.${fakeCode(index + 1_000_000, 16)}`;
}

function codeLines(count: number, start = 0): string[] {
  return Array.from({ length: count }, (_, i) => codeLine(start + i));
}

function catchError(action: () => unknown): LocalError {
  try {
    action();
  } catch (error) {
    if (error instanceof LocalError) return error;
    throw error;
  }
  throw new Error('expected a LocalError, nothing was thrown');
}

function roundTrip(plaintext: string | Buffer): DecryptedCodePackage {
  return decryptCodePackage(encryptCodePackage(plaintext, KEY), KEY);
}

describe('decryptCodePackage against openssl', () => {
  test('openssl is available', () => {
    expect(spawnSync('openssl', ['version']).status).toBe(0);
  });

  test('a small package decrypts to exactly the plaintext', () => {
    const plaintext = 'P.URL.CN/0U.JYJXP3HJI2C98A9O\nP.URL.CN/0U.K2M8Q0ZLW5T1B7RC\nP.URL.CN/0U.A1B2C3D4E5F6G7H8\n';
    const result = decryptCodePackage(opensslEncrypt(plaintext), KEY);
    expect(result.text).toBe(plaintext);
    expect(result.lines).toEqual(plaintext.trim().split('\n'));
    expect(result.codeCount).toBe(3);
    expect(result.header).toBeNull();
    expect(result.prefixStripped).toBe(false);
    expect(result.bytes).toBe(Buffer.byteLength(plaintext));
  });

  test('plaintexts of every padding length (0-33 bytes) decrypt exactly', () => {
    for (let length = 0; length <= 33; length += 1) {
      const plaintext = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.slice(0, length);
      expect(decryptCodePackage(opensslEncrypt(plaintext), KEY).text).toBe(plaintext);
    }
  });

  test('a 50,000-code package decrypts exactly', () => {
    const lines = codeLines(50_000);
    const plaintext = `${lines.join('\n')}\n`;
    const result = decryptCodePackage(opensslEncrypt(plaintext), KEY);
    expect(result.text).toBe(plaintext);
    expect(result.lines).toHaveLength(50_000);
    expect(result.lines[0]).toBe(lines[0]);
    expect(result.lines[49_999]).toBe(lines[49_999]);
    expect(result.codeCount).toBe(50_000);
    expect(result.prefixStripped).toBe(false);
    expect(result.bytes).toBe(Buffer.byteLength(plaintext));
  });

  test('the encryptor matches openssl byte for byte', () => {
    const plaintext = `${codeLines(1000).join('\n')}\n`;
    expect(encryptCodePackage(plaintext, KEY)).toBe(opensslEncrypt(plaintext));
  });
});

describe('decryptCodePackage round trip and line handling', () => {
  test('string and Buffer plaintexts round-trip, including non-ASCII text', () => {
    const plaintext = '序号,二维码,链接\n0,ABCDEFGHI,P.URL.CN/0U.JYJXP3HJI2C98A9O\n1,BCDEFGHIJ,P.URL.CN/0U.K2M8Q0ZLW5T1B7RC\n';
    expect(roundTrip(plaintext).text).toBe(plaintext);
    expect(roundTrip(Buffer.from(plaintext, 'utf8')).text).toBe(plaintext);
  });

  test('an empty plaintext gives an empty package', () => {
    expect(roundTrip('')).toEqual({ text: '', lines: [], header: null, codeCount: 0, prefixStripped: false, bytes: 0 });
  });

  test('CRLF, CR and blank lines are handled; lines are trimmed', () => {
    const result = roundTrip('ABCDEFGHI\r\nBCDEFGHIJ\r\n\r\n  CDEFGHIJK \rDEFGHIJKL\r\n');
    expect(result.lines).toEqual(['ABCDEFGHI', 'BCDEFGHIJ', 'CDEFGHIJK', 'DEFGHIJKL']);
    expect(result.codeCount).toBe(4);
  });

  test('LF-only text: blank lines at either end or inside go, the same as a trimmed split would give', () => {
    for (const plaintext of ['\nA1,B\nC2,D\n', 'A1,B\nC2,D\n', '\n\nA1,B\n\nC2,D\n\n', 'A1,B', '\n', '\n\n', 'A1,B\n\n']) {
      const expected = plaintext.split('\n').filter((line) => line !== '');
      expect({ plaintext, lines: roundTrip(plaintext).lines }).toEqual({ plaintext, lines: expected });
    }
  });

  test('a line-wrapped base64 buffer is accepted', () => {
    const plaintext = codeLines(20).join('\n');
    const wrapped = encryptCodePackage(plaintext, KEY).replace(/.{76}/g, '$&\r\n');
    expect(decryptCodePackage(wrapped, KEY).text).toBe(plaintext);
  });

  test('the same buffer re-encoded as base64url, padded or not, gives the same package', () => {
    const plaintext = `${codeLines(200).join('\n')}\n`;
    const encoded = encryptCodePackage(plaintext, KEY);
    const url = encoded.replace(/\+/g, '-').replace(/\//g, '_');
    expect(url).toMatch(/[-_]/);
    expect(decryptCodePackage(url, KEY).text).toBe(plaintext);
    expect(decryptCodePackage(url.replace(/=+$/, ''), KEY).text).toBe(plaintext);
  });

  test('base64 without its trailing = padding is accepted', () => {
    // 16 and 32 bytes of ciphertext end in '==' and '='.
    for (const plaintext of ['ABCDEFGHI', 'ABCDEFGHI\nBCDEFGHIJ\n']) {
      const encoded = encryptCodePackage(plaintext, KEY);
      expect(encoded).toMatch(/=$/);
      expect(decryptCodePackage(encoded.replace(/=+$/, ''), KEY).text).toBe(plaintext);
    }
  });

  test('a package larger than one decoding slice round-trips', () => {
    const plaintext = `${codeLines(5000).join('\n')}\n`;
    const encoded = encryptCodePackage(plaintext, KEY);
    expect(encoded.length).toBeGreaterThan(3 * 64 * 1024);
    expect(decryptCodePackage(encoded, KEY).text).toBe(plaintext);
  });

  test('an obvious header line is not counted as a code', () => {
    for (const header of ['code_index,code,code_url', '序号,二维码,链接', 'code_url']) {
      const result = roundTrip(`${header}\n${codeLines(5).join('\n')}`);
      expect(result.header).toBe(header);
      expect(result.lines[0]).toBe(header);
      expect(result.codeCount).toBe(5);
    }
  });

  test('codes are never taken for a header', () => {
    const cases = [
      // a raw code without digits, shaped like the others
      ['ABCDEFGHI', 'BCDEFGH1J', 'CDE2FGHIJ'],
      // the index changes width between the first lines
      ['9,ABCDEFGHI', '10,BCDEFGHIJ', '11,CDEFGHIJK'],
      // a first line with digits that differs from the rest
      ['codes: 3', 'ABCDEFGHI', 'BCDEFGHIJ'],
      // too few lines to tell
      ['code_url', 'P.URL.CN/0U.JYJXP3HJI2C98A9O'],
    ];
    for (const lines of cases) {
      const result = roundTrip(lines.join('\n'));
      expect(result.header).toBeNull();
      expect(result.codeCount).toBe(lines.length);
    }
  });
});

describe('random 16-byte prefix', () => {
  test('random bytes before the text are detected and stripped', () => {
    const plaintext = `${codeLines(10).join('\n')}\n`;
    for (let seed = 0; seed < 500; seed += 1) {
      const prefixed = Buffer.concat([pseudoRandomBytes(`prefix-${seed}`, 16), Buffer.from(plaintext)]);
      // A few through openssl; the rest through encryptCodePackage, which matches openssl byte for byte.
      const result = decryptCodePackage(seed < 5 ? opensslEncrypt(prefixed) : encryptCodePackage(prefixed, KEY), KEY);
      expect(result.prefixStripped).toBe(true);
      expect(result.text).toBe(plaintext);
      expect(result.codeCount).toBe(10);
      expect(result.bytes).toBe(Buffer.byteLength(plaintext));
    }
  });

  test('a random prefix before a header and CRLF lines is stripped', () => {
    const plaintext = `code_index,code,code_url\r\n${codeLines(3).join('\r\n')}\r\n`;
    const result = roundTrip(Buffer.concat([pseudoRandomBytes('header', 16), Buffer.from(plaintext)]));
    expect(result.prefixStripped).toBe(true);
    expect(result.text).toBe(plaintext);
    expect(result.header).toBe('code_index,code,code_url');
    expect(result.codeCount).toBe(3);
  });

  test('a letters-and-digits prefix glued to the first code (WXBizMsgCrypt style) is stripped', () => {
    for (const lines of [codeLines(4), ['P.URL.CN/0U.JYJXP3HJI2C98A9O', 'P.URL.CN/0U.K2M8Q0ZLW5T1B7RC', 'P.URL.CN/0U.A1B2C3D4E5F6G7H8']]) {
      const plaintext = lines.join('\n');
      const result = roundTrip(`aZ3kP9qW2eR7tY1u${plaintext}`);
      expect(result.prefixStripped).toBe(true);
      expect(result.text).toBe(plaintext);
      expect(result.lines).toEqual(lines);
    }
  });

  test('a plaintext that begins with text is never stripped', () => {
    const cases = [
      codeLines(50).join('\n'),
      ['P.URL.CN/0U.JYJXP3HJI2C98A9O', 'P.URL.CN/0U.K2M8Q0ZLW5T1B7RC', 'P.URL.CN/0U.A1B2C3D4E5F6G7H8'].join('\n'),
      `code_index,code,code_url\n${codeLines(50).join('\n')}`,
      // a first line 16 characters longer than the rest, but not shaped like them
      `application_id=581865877 codes\n${codeLines(3).join('\n')}`,
      // the 16th byte falls inside a multi-byte character
      `二维码包序号一物一码\n${codeLines(3).join('\n')}`,
      // exactly 16 bytes, and shorter
      'ABCDEFGHIJKLMNOP',
      'ABCDEFGHI',
      // 16 random-looking characters, then a line break
      'aZ3kP9qW2eR7tY1u\nABCDEFGHI\nBCDEFGHIJ\nCDEFGHIJK',
      // a long first code among short ones of different shapes
      'ABCDEFGHIJKLMNOPQRSTUVWXY\nAB-CD\nABCDE',
    ];
    for (const plaintext of cases) {
      const result = roundTrip(plaintext);
      expect(result.prefixStripped).toBe(false);
      expect(result.text).toBe(plaintext);
    }
  });
});

describe('errors', () => {
  const GOOD_BUFFER = encryptCodePackage(`${codeLines(100).join('\n')}\n`, KEY);

  function expectKeyNotLeaked(error: LocalError, keyText: string): void {
    expect(error.message).not.toContain(keyText);
    expect(error.hint).not.toContain(keyText);
    expect(JSON.stringify(error.toAnswer())).not.toContain(keyText);
  }

  test('a wrong key fails with DECRYPT_FAILED naming the key', () => {
    for (let seed = 0; seed < 50; seed += 1) {
      const wrongKeyText = createHash('sha256').update(`wrong-${seed}`).digest('hex').slice(0, 16);
      const error = catchError(() => decryptCodePackage(GOOD_BUFFER, parseMarketCodeKey(wrongKeyText)));
      expect(error.errcode).toBe(LOCAL.DECRYPT_FAILED);
      expect(error.message).toMatch(/wrong key/);
      expectKeyNotLeaked(error, wrongKeyText);
      expectKeyNotLeaked(error, KEY_TEXT);
    }
  });

  test('a wrong key whose padding passes by chance is still caught (not text)', () => {
    const binary = Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1));
    const error = catchError(() => roundTrip(binary));
    expect(error.errcode).toBe(LOCAL.DECRYPT_FAILED);
    expect(error.message).toMatch(/not UTF-8 text: wrong key likely/);
  });

  test('mostly-ASCII text in another encoding is reported as such, not as a wrong key', () => {
    const latin1 = Buffer.from(`${codeLines(5).join('\n')}\ncaf\u00e9\n`, 'latin1');
    const error = catchError(() => roundTrip(latin1));
    expect(error.errcode).toBe(LOCAL.DECRYPT_FAILED);
    expect(error.message).toMatch(/not UTF-8 text, but it is mostly ASCII text: the key is probably right/);
  });

  test('a short header in another encoding is not taken for a random prefix (no code cut in half)', () => {
    // "序号,码" in GBK: 7 bytes, so the 16-byte cut would fall inside the first code line.
    const gbkHeader = Buffer.from([0xd0, 0xf2, 0xba, 0xc5, 0x2c, 0xc2, 0xeb, 0x0a]);
    for (const header of [gbkHeader, Buffer.from('caf\u00e9\n', 'latin1')]) {
      const error = catchError(() => roundTrip(Buffer.concat([header, Buffer.from(codeLines(5).join('\n'))])));
      expect(error.errcode).toBe(LOCAL.DECRYPT_FAILED);
      expect(error.message).toMatch(/random prefix cannot be confirmed: the key is probably right/);
    }
  });

  test('a random prefix before fewer than three lines is refused rather than guessed', () => {
    const error = catchError(() => roundTrip(Buffer.concat([pseudoRandomBytes('short', 16), Buffer.from(codeLines(2).join('\n'))])));
    expect(error.errcode).toBe(LOCAL.DECRYPT_FAILED);
    expect(error.message).toMatch(/random prefix cannot be confirmed/);
  });

  test('a truncated buffer fails with DECRYPT_BUFFER_INVALID', () => {
    for (const truncated of [GOOD_BUFFER.slice(0, -4), GOOD_BUFFER.slice(0, -1), GOOD_BUFFER.slice(0, 100), GOOD_BUFFER.slice(0, 5)]) {
      const error = catchError(() => decryptCodePackage(truncated, KEY));
      expect(error.errcode).toBe(LOCAL.DECRYPT_BUFFER_INVALID);
      expect(error.message).toMatch(/truncated/);
      expectKeyNotLeaked(error, KEY_TEXT);
    }
  });

  test('a buffer that is not base64 fails with DECRYPT_BUFFER_INVALID and says where', () => {
    const cases: Array<[string, RegExp]> = [
      [`${GOOD_BUFFER.slice(0, 40)}%${GOOD_BUFFER.slice(41)}`, /not base64: unexpected character "%" at offset 40/],
      ['{"errcode":0,"errmsg":"ok","buffer":"abcd"}', /looks like JSON/],
      ['abcd=efg', /'=' padding before the end/],
      ['ab==c', /'=' padding before the end/],
      ['abcdef===', /do not form whole base64 groups/],
      ['头abcd', /unexpected character "头" at offset 0/],
    ];
    for (const [buffer, message] of cases) {
      const error = catchError(() => decryptCodePackage(buffer, KEY));
      expect(error.errcode).toBe(LOCAL.DECRYPT_BUFFER_INVALID);
      expect(error.message).toMatch(message);
    }
  });

  test('an empty buffer fails with DECRYPT_BUFFER_INVALID', () => {
    for (const buffer of ['', '  \n']) {
      const error = catchError(() => decryptCodePackage(buffer, KEY));
      expect(error.errcode).toBe(LOCAL.DECRYPT_BUFFER_INVALID);
      expect(error.message).toMatch(/buffer is empty/);
    }
    const missing = catchError(() => decryptCodePackage(undefined as unknown as string, KEY));
    expect(missing.errcode).toBe(LOCAL.DECRYPT_BUFFER_INVALID);
    expect(missing.message).toMatch(/must be a base64 string, got undefined/);
  });

  test('a missing key fails with DECRYPT_KEY_INVALID naming WXOPEN_MARKETCODE_KEY', () => {
    for (const key of [undefined, '']) {
      const error = catchError(() => parseMarketCodeKey(key));
      expect(error.errcode).toBe(LOCAL.DECRYPT_KEY_INVALID);
      expect(error.message).toMatch(/WXOPEN_MARKETCODE_KEY is not set/);
    }
  });

  test('a key of the wrong length fails with DECRYPT_KEY_INVALID stating the rule, without the key', () => {
    const cases: Array<[string, RegExp]> = [
      ['Qm7xK2pL9', /must be exactly 16 bytes.*it is 9 bytes/],
      ['Qm7xK2pL9vR4tW8zX', /must be exactly 16 bytes.*it is 17 bytes/],
      ['516d37784b32704c397652347457387a', /it is 32 bytes/],
      ['密钥密钥密钥密钥密钥密钥密钥密钥', /it is 48 bytes/],
      [`${KEY_TEXT}\n`, /leading or trailing whitespace/],
      [` ${KEY_TEXT.slice(1)}`, /leading or trailing whitespace/],
    ];
    for (const [key, message] of cases) {
      const error = catchError(() => parseMarketCodeKey(key));
      expect(error.errcode).toBe(LOCAL.DECRYPT_KEY_INVALID);
      expect(error.message).toMatch(/WXOPEN_MARKETCODE_KEY/);
      expect(error.message).toMatch(message);
      expectKeyNotLeaked(error, key.trim());
    }
  });

  test('a key Buffer of the wrong length is refused before any crypto call', () => {
    for (const action of [() => decryptCodePackage(GOOD_BUFFER, Buffer.alloc(15)), () => encryptCodePackage('x', Buffer.alloc(32))]) {
      const error = catchError(action);
      expect(error.errcode).toBe(LOCAL.DECRYPT_KEY_INVALID);
      expect(error.message).toMatch(/must be 16 bytes/);
    }
  });

  test('a valid key is returned as its UTF-8 bytes', () => {
    expect(parseMarketCodeKey(KEY_TEXT).equals(Buffer.from(KEY_TEXT, 'utf8'))).toBe(true);
  });
});

describe('the first lines the prefix and header rules read', () => {
  test('are the lines a split on LF, CRLF and CR gives, trimmed and non-blank', () => {
    const piece = fc.constantFrom('\n', '\r\n', '\r', ' ', '\t', 'A1', 'b,2', '编号', '', 'x y');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (pieces, limit) => {
        const text = pieces.join('');
        const expected = text.split(/\r\n|\r|\n/).map((line) => line.trim()).filter((line) => line !== '').slice(0, limit);
        expect(firstNonBlankLines(text, limit)).toEqual(expected);
      }),
      { numRuns: 3000, seed: 2024 },
    );
  });
});
