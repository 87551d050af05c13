import { validateInput } from '../../shared/handler/validate';
import { WxOpenError } from '../../shared/errors';
import { applyCodeQueryInput, downloadInput } from '../../shared/marketcode/schemas';
import { jumpRuleInput, setupInput } from '../../shared/qrcode-jump/schemas';

const PREFIX = 'https://shop.example.com/qr/';
const GOOD_RULE = { prefix: PREFIX, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, is_edit: 0 };

function refusal(schema: Parameters<typeof validateInput>[0], input: unknown): ReturnType<WxOpenError['toAnswer']> {
  try {
    validateInput(schema, input);
  } catch (error) {
    if (error instanceof WxOpenError) return error.toAnswer();
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('validation answers every failing field at once', () => {
  it('lists three bad fields in the schema\'s order, keeps `field` for the first, and the hint says the rules', () => {
    const answer = refusal(jumpRuleInput, { ...GOOD_RULE, permit_sub_rule: 3, path: '/pages/index', open_version: 'release' });
    expect(answer).toMatchObject({ errcode: 990001, category: 'input', field: 'permit_sub_rule' });
    expect(answer.fields).toEqual([
      { field: 'permit_sub_rule', rule: 'must be 1 (do not occupy sub-rules) or 2 (occupy all sub-rules)' },
      { field: 'path', rule: 'must be a page path without a leading "/", e.g. pages/index/index' },
      { field: 'open_version', rule: 'must be 1 (develop), 2 (trial) or 3 (release)' },
    ]);
    expect(answer.errmsg).toBe('permit_sub_rule: must be 1 (do not occupy sub-rules) or 2 (occupy all sub-rules); path: must be a page path without a leading "/", e.g. pages/index/index; open_version: must be 1 (develop), 2 (trial) or 3 (release)');
    expect(answer.hint).toBe(`Fix these 3 fields and call again: ${answer.fields?.map(({ field, rule }) => `${field} ${rule}`).join('; ')}.`);
  });

  it('one field: the same shape, with the rule in the hint', () => {
    const answer = refusal(jumpRuleInput, { ...GOOD_RULE, prefix: '' });
    expect(answer).toMatchObject({ field: 'prefix', fields: [{ field: 'prefix', rule: 'must not be empty' }], errmsg: 'prefix: must not be empty', hint: 'Fix the field and call again: prefix must not be empty.' });
  });

  it('reports an unknown key and a missing key of a strict object together', () => {
    const { prefix: _missing, ...rest } = GOOD_RULE;
    const answer = refusal(jumpRuleInput, { ...rest, debug_urls: [] });
    expect(answer.fields).toEqual([
      { field: 'prefix', rule: 'is required' },
      { field: 'debug_urls', rule: 'is not a field of this operation' },
    ]);
  });

  it('names items of nested arrays, one rule per field', () => {
    const answer = refusal(jumpRuleInput, { ...GOOD_RULE, debug_url: [`${PREFIX}a`, '', 3] });
    expect(answer.fields).toEqual([
      { field: 'debug_url[1]', rule: 'must not be empty' },
      { field: 'debug_url[2]', rule: 'must be a string' },
    ]);
    // the service-account branch of the lazy schema
    expect(refusal(jumpRuleInput, { prefix: 'https://x.example.com/', appid: 'nope', path: '', is_edit: 2 }).fields?.map(({ field }) => field)).toEqual(['prefix', 'appid', 'path', 'is_edit']);
  });

  it('checks rules across fields once the fields pass, never on a broken value', () => {
    const crossing = { env: 'demo-env-1a2b3c', prefix: PREFIX, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, debug_url: [`${PREFIX}a`, 'https://other.example.com/b'] };
    expect(refusal(setupInput, crossing).fields).toEqual([{ field: 'debug_url[1]', rule: expect.stringContaining('must fall under the prefix') }]);
    expect(refusal(setupInput, { ...crossing, path: '' }).fields).toEqual([{ field: 'path', rule: 'must not be empty' }]);
    expect(refusal(downloadInput, { application_id: 1, code_start: 50000, code_end: 49999 }).fields).toEqual([{ field: 'code_end', rule: 'must not be less than code_start (both ends are inclusive)' }]);
    expect(refusal(applyCodeQueryInput, {}).fields).toEqual([{ field: 'application_id', rule: 'give exactly one of application_id and isv_application_id' }]);
  });

  it('passes valid input through unchanged', () => {
    expect(validateInput(jumpRuleInput, GOOD_RULE)).toEqual(GOOD_RULE);
  });
});
