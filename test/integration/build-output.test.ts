/**
 * What `npm run build` leaves in each function folder, and what a cold start therefore parses:
 * index.js carries only the code and the schemas its function's usual path needs; packages needed
 * off that path are side files beside it, which work on their own when first required.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { SIDE_FILES, loadsSideFile } from '../../scripts/build';
import { bundlePath, functionNames, ROOT } from '../../scripts/function-catalogue';
import { markBuildersPure } from '../../scripts/pure-schemas';

const bundleText = (name: string): string => readFileSync(bundlePath(name), 'utf8');
const besideBundle = (name: string, file: string): string => join(bundlePath(name), '..', file);

describe('bundles', () => {
  it('are ASCII: V8 then holds the source as one byte per character (a two-byte source of 64 KiB went to the young generation and doubled what loading allocated there)', () => {
    for (const name of functionNames()) {
      const text = bundleText(name);
      const at = text.search(/[^\x00-\x7f]/);
      expect([name, at < 0 ? '' : text.slice(Math.max(0, at - 40), at + 10)]).toEqual([name, '']);
    }
  });
});

describe('side files', () => {
  it('every folder holds exactly the side files its bundle names', () => {
    for (const name of functionNames()) {
      for (const side of SIDE_FILES) {
        expect([name, side.file, existsSync(besideBundle(name, side.file))]).toEqual([name, side.file, loadsSideFile(name, side.file)]);
      }
    }
  });

  it('p-retry and lossless-json are out of every bundle, required only where first needed', () => {
    for (const name of functionNames()) {
      const text = bundleText(name);
      // Code of the packages themselves (their own identifiers and messages).
      expect([name, text.includes('Non-error was thrown'), text.includes('lossless-json.LosslessNumber')]).toEqual([name, false, false]);
      expect([name, loadsSideFile(name, 'p-retry.js'), loadsSideFile(name, 'lossless-json.js')]).toEqual([name, true, true]);
    }
  });

  it('each side file works on its own, as the bundle requires it', () => {
    const folder = join(bundlePath('getJumpQRCode'), '..');
    const pRetry = require(join(folder, 'p-retry.js')) as { default: unknown };
    expect(typeof pRetry.default).toBe('function');
    const lossless = require(join(folder, 'lossless-json.js')) as { parse(text: string): unknown; stringify(value: unknown): string };
    expect(lossless.stringify({ id: 9007199254740993n })).toBe('{"id":9007199254740993}');
    expect(String((lossless.parse('{"id":9007199254740993}') as { id: unknown }).id)).toBe('9007199254740993');
  });
});

describe('schemas: a bundle builds only those of its function', () => {
  // Messages unique to one schema each: setupQRCodeJump's dry_run, the rule fields, tcb's download list, the authorization functions'.
  const messages = {
    setupInput: 'true: only read, and answer what each step would do',
    ordinaryRule: 'must be 1 (do not occupy sub-rules)',
    downloadLinksInput: 'must be a number of seconds',
    linksInput: "platform's authorization domain",
    getRulesInput: 'must be 0 (latest 10000)',
  };

  it('getJumpQRCode carries its own input schema and none of the others', () => {
    const text = bundleText('getJumpQRCode');
    expect(text).toContain(messages.getRulesInput);
    for (const other of [messages.setupInput, messages.ordinaryRule, messages.downloadLinksInput, messages.linksInput]) expect(text).not.toContain(other);
  });

  it('each market-code and hosting function carries its own input schema and not its neighbours\'', () => {
    // code_count's multiple-of-10 000 rule: the only user of valibot's multipleOf (type "multiple_of").
    const codeCountStep = '"multiple_of"';
    const outputChoice = 'must be "both", "text" or "lines"';
    const oneContent = 'give exactly one of content (UTF-8 text) and content_base64';
    expect(bundleText('applyCode')).toContain(codeCountStep);
    expect(bundleText('applyCode')).not.toContain(outputChoice);
    expect(bundleText('applyCodeDownload')).toContain(outputChoice);
    expect(bundleText('applyCodeDownload')).not.toContain(codeCountStep);
    expect(bundleText('uploadStaticFile')).toContain(oneContent);
    expect(bundleText('getStaticHostingDomain')).not.toContain(oneContent);
  });

  it('the functions that use a schema still carry it', () => {
    expect(bundleText('setupQRCodeJump')).toContain(messages.setupInput);
    expect(bundleText('addJumpQRCode')).toContain(messages.ordinaryRule);
    expect(bundleText('getDownloadTcbFileLink')).toContain(messages.downloadLinksInput);
    expect(bundleText('createAuthorizationLinks')).toContain(messages.linksInput);
  });
});

describe('markBuildersPure', () => {
  it('marks builder calls, and leaves calls made for their effect alone', () => {
    const source = "import * as v from 'valibot';\nconst a = v.pipe(v.string('s'), v.maxLength(3, 'm'));\nv.setGlobalConfig({ lang: 'en' });\nconst r = v.safeParse(a, 1);\nv.parse(a, 'x');\n";
    expect(markBuildersPure(source)).toBe(
      "import * as v from 'valibot';\nconst a = /* @__PURE__ */ v.pipe(/* @__PURE__ */ v.string('s'), /* @__PURE__ */ v.maxLength(3, 'm'));\nv.setGlobalConfig({ lang: 'en' });\nconst r = v.safeParse(a, 1);\nv.parse(a, 'x');\n",
    );
  });

  it('leaves a module without the valibot namespace import, and members named v of other objects, as they are', () => {
    expect(markBuildersPure("const v = { pipe: (x: number) => x };\nv.pipe(1);\n")).toBe("const v = { pipe: (x: number) => x };\nv.pipe(1);\n");
    const other = "import * as v from 'valibot';\nconst b = schema.v.pipe(1);\n";
    expect(markBuildersPure(other)).toBe(other);
  });

  /** Every string and template text of a module, as TypeScript parses them. */
  function literalTexts(file: string, source: string): string[] {
    const texts: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) texts.push(node.text);
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS));
    return texts;
  }

  it("changes no string or message text in the shared modules it applies to (it marks code only)", () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) files.push(path);
      }
    };
    walk(join(ROOT, 'shared'));
    const marked = files.filter((file) => markBuildersPure(readFileSync(file, 'utf8')) !== readFileSync(file, 'utf8'));
    expect(marked.length).toBeGreaterThanOrEqual(5);
    for (const file of marked) {
      const source = readFileSync(file, 'utf8');
      expect([file, literalTexts(file, markBuildersPure(source))]).toEqual([file, literalTexts(file, source)]);
    }
  });
});
