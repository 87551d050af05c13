/**
 * The demo `npm start` runs once: set up "scan a link to open the Mini Program" end to end with the
 * setupQRCodeJump chain (hosting domain, verification file served from the prefix's directory,
 * rule added, published), framed by read-only steps. Each step is data (function, input, whether
 * it writes, how to summarise its answer); the runner in run-demo.ts does the rest.
 */
export interface DemoStep {
  title: string;
  functionName: string;
  input: Record<string, unknown>;
  /** Changes the account's state: skipped (and only described) against a real WeChat account. */
  writes: boolean;
  /** One line about a successful answer. */
  summary(answer: Record<string, unknown>): string;
  /** Further lines about it, each printed indented on its own line (e.g. a chain's steps). */
  details?(answer: Record<string, unknown>): string[];
}

export interface DemoTarget {
  /** The CloudBase environment whose static hosting serves the verification file. */
  env: string;
  /** The rule prefix: a directory on that hosting's domain. */
  prefix: string;
}

/** Used against a real account, where the chain is only described: replace with your own. */
export const PLACEHOLDER_TARGET: DemoTarget = { env: 'your-env-id', prefix: 'https://your-env-id-1250000000.tcloudbaseapp.com/qr/' };

/** A chain's steps as its answer lists them (the call has returned: this is a record, not live progress). */
export function chainSteps(answer: Record<string, unknown>): string[] {
  const steps = Array.isArray(answer['steps']) ? (answer['steps'] as Array<Record<string, unknown>>) : [];
  return steps.map((step) => `${String(step['step'])} ${String(step['status'])}: ${String(step['detail'])}`);
}

/** The landing site's rule: the `landing/` directory beside the demo prefix's, on the same domain. */
function landingPrefix(prefix: string): string {
  return new URL('/landing/', prefix).toString();
}

export function qrJumpDemo(target: DemoTarget = PLACEHOLDER_TARGET): DemoStep[] {
  const { env, prefix } = target;
  return [
    {
      title: 'download the domain-verification file',
      functionName: 'downloadQRCodeText',
      input: { prefix },
      writes: false,
      summary: (answer) => `${String(answer['file_name'])} (content ${String(answer['file_content'])}), to be served at ${String(answer['serve_at'])}`,
    },
    {
      title: 'set up the rule end to end',
      functionName: 'setupQRCodeJump',
      input: { env, prefix, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, debug_url: [`${prefix}demo?id=1`], publish: true },
      writes: true,
      summary: (answer) => `verification file at ${String(answer['verification_url'])}; rule ${answer['state'] === 2 ? 'published' : 'unpublished'} (its steps above, each shown as it finished)`,
      details: chainSteps,
    },
    {
      title: 'deploy a landing site and its rule',
      functionName: 'deployStaticSite',
      input: {
        env,
        prefix: 'landing/',
        files: [
          { filename: 'index.html', content: '<!doctype html><meta charset="utf-8"><title>Landing</title><link rel="stylesheet" href="site.css"><h1>Scan to open the Mini Program</h1>' },
          { filename: 'site.css', content: 'h1 { font-family: sans-serif; }' },
          { filename: 'logo.svg', content: '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>' },
        ],
        qrcode_rule: { prefix: landingPrefix(prefix), permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, publish: true },
      },
      writes: true,
      summary: (answer) => `site at ${String(answer['site_url'])}: ${String(answer['uploaded'])} uploaded, ${String(answer['unchanged'])} unchanged; rule ${String((answer['qrcode_rule'] as Record<string, unknown> | undefined)?.['prefix'])} (its steps above, each shown as it finished)`,
      details: chainSteps,
    },
    {
      title: 'list the rules',
      functionName: 'getJumpQRCode',
      input: {},
      writes: false,
      summary: (answer) => {
        const rules = Array.isArray(answer['rule_list']) ? (answer['rule_list'] as Array<Record<string, unknown>>) : [];
        const listed = rules.map((rule) => `${String(rule['prefix'])} -> ${String(rule['path'])} (${rule['state'] === 2 ? 'published' : 'unpublished'})`);
        return `${rules.length} rule(s)${listed.length > 0 ? `: ${listed.join('; ')}` : ''}, ${String(answer['qrcodejump_pub_quota'])} publishes left this month`;
      },
    },
  ];
}
