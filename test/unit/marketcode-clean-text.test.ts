import { hasControlByte, isCleanText, scanText } from '../../shared/marketcode/clean-text';

const WINDOW = 256 * 1024;

/** A text of `length` bytes of code-like lines (letters, digits, commas, LF). */
function codeText(length: number): Buffer {
  const line = Buffer.from('12345,a1b2c3d4e,P.URL.CN/0U.JYJXP3HJI2C98A9O\n', 'ascii');
  const text = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += line.length) line.copy(text, offset, 0, Math.min(line.length, length - offset));
  return text;
}

describe('clean text (valid UTF-8, no control character but TAB, CR and LF)', () => {
  test('code lines with TAB, CR, LF and multi-byte characters are clean', () => {
    expect(isCleanText(Buffer.from('编号\tcode\r\n1,ABC\n2,DEF\r', 'utf8'))).toBe(true);
    expect(isCleanText(codeText(3 * WINDOW + 17))).toBe(true);
    expect(isCleanText(Buffer.alloc(0))).toBe(true);
  });

  test('every control byte is found, in the first window, on a window boundary and in the last partial window', () => {
    const controls = [...Array.from({ length: 0x20 }, (_, byte) => byte).filter((byte) => byte !== 0x09 && byte !== 0x0a && byte !== 0x0d), 0x7f];
    const length = 3 * WINDOW + 17;
    for (const at of [0, WINDOW - 1, WINDOW, 2 * WINDOW + 5, length - 1]) {
      for (const byte of controls) {
        const text = codeText(length);
        text[at] = byte;
        expect({ at, byte, found: hasControlByte(text) }).toEqual({ at, byte, found: true });
      }
    }
  });

  test('invalid UTF-8 anywhere is not clean', () => {
    const text = codeText(2 * WINDOW);
    text[WINDOW + 3] = 0xff;
    expect(isCleanText(text)).toBe(false);
    expect(hasControlByte(text)).toBe(false);
  });

  test('a subarray is scanned within its own bounds only', () => {
    const text = codeText(WINDOW + 100);
    text[10] = 0x00;
    expect(hasControlByte(text.subarray(11))).toBe(false);
    expect(hasControlByte(text.subarray(10))).toBe(true);
  });

  test('the same pass tells whether a space, TAB or CR occurs, in any window', () => {
    const length = 3 * WINDOW + 17;
    expect(scanText(codeText(length))).toEqual({ clean: true, blanks: false });
    for (const at of [0, WINDOW - 1, WINDOW, length - 1]) {
      for (const byte of [0x20, 0x09, 0x0d]) {
        const text = codeText(length);
        text[at] = byte;
        expect({ at, byte, scan: scanText(text) }).toEqual({ at, byte, scan: { clean: true, blanks: true } });
      }
    }
    const withControl = codeText(length);
    withControl[WINDOW + 1] = 0x0b;
    expect(scanText(withControl).clean).toBe(false);
  });
});
