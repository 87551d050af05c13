/**
 * An esbuild plugin: each function's bundle builds only the input schemas that function uses.
 *
 * valibot's builders (v.pipe, v.string, v.strictObject...) have no side effects, and valibot marks
 * them so, but esbuild does not carry that mark across modules (evanw/esbuild#4369). Without this
 * plugin, every schema declared in a shared schemas module is built at every cold start, used or
 * not: getJumpQRCode built the set-up chain's and the site chain's schemas too (0.3 ms of each cold
 * start, measured on the built bundle).
 *
 * In the shared modules that import valibot as `v`, each builder call is marked
 * `/* @__PURE__ *\/`, so esbuild drops the declarations nothing uses. Calls that act or check
 * (v.parse, v.safeParse, v.assert, v.set..., v.delete...) are left alone: a pure mark on a call
 * made for its effect would delete it. A schema declaration esbuild still cannot drop is kept, which
 * costs time, never correctness: one with a template literal, arithmetic, a property read, an object
 * spread or a call to a helper not marked `/* @__NO_SIDE_EFFECTS__ *\/` in its arguments (the schema
 * modules keep such things in constants of their own); test/integration/build-output.test.ts checks
 * that the bundles stay lean.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

const VALIBOT_NAMESPACE = "import * as v from 'valibot';";
/** `v.name(` not preceded by an identifier character, a dot or a quote. */
const BUILDER_CALL = /(?<![\w.$'"`])v\.([A-Za-z]\w*)\(/g;
const HAS_EFFECT = /^(?:parse|safeParse|assert|(?:set|delete)[A-Z]\w*)$/;

/** The source with every valibot builder call marked pure (exported for the tests). */
export function markBuildersPure(source: string): string {
  if (!source.includes(VALIBOT_NAMESPACE)) return source;
  return source.replace(BUILDER_CALL, (call: string, name: string) => (HAS_EFFECT.test(name) ? call : `/* @__PURE__ */ ${call}`));
}

export const pureSchemas: Plugin = {
  name: 'pure-schemas',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]shared[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(VALIBOT_NAMESPACE)) return undefined;
      return { contents: markBuildersPure(source), loader: 'ts' };
    });
  },
};
