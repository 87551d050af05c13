import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/function-catalogue';
import { CATEGORY_STATUS, describeCode, knownCodes } from '../../shared/error-codes';

const DOC = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');

describe('docs/errors.md', () => {
  it('has a row for every code, with its category and HTTP status as the table gives them', () => {
    const rows = new Map([...DOC.matchAll(/^\| (-?\d+) \| `(\w+)` \| (\d{3}) \|/gm)].map((match) => [Number(match[1]), `${match[2]} ${match[3]}`]));
    const wrong = knownCodes()
      .map((code) => ({ code, want: `${describeCode(code).category} ${describeCode(code).httpStatus}`, has: rows.get(code) }))
      .filter(({ want, has }) => want !== has);
    // a new or changed code: add or fix its row, `| <code> | \`<category>\` | <status> | <retried> | <meaning> |`
    expect(wrong).toEqual([]);
  });

  it('explains every category, with its default HTTP status', () => {
    for (const [category, status] of Object.entries(CATEGORY_STATUS)) {
      expect({ category, row: new RegExp(`^\\| \`${category}\` \\| [^|]+ \\| ${status}\\b`, 'm').test(DOC) }).toEqual({ category, row: true });
    }
  });
});
