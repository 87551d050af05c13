/**
 * The demo `npm start` runs once: the QR-code jump rule lifecycle through the QR-rule functions.
 * Each step is data (function, input, whether it writes, how to summarise its answer), so the
 * `setupQRCodeJump` chain can replace these steps by its own without touching the runner.
 */
export interface DemoStep {
  title: string;
  functionName: string;
  input: Record<string, unknown>;
  /** Changes the account's state: skipped (and only described) against a real WeChat account. */
  writes: boolean;
  /** One line about a successful answer. */
  summary(answer: Record<string, unknown>): string;
}

export const DEMO_PREFIX = 'https://demo.example.com/qr/';

export function qrRuleDemo(prefix: string = DEMO_PREFIX): DemoStep[] {
  return [
    {
      title: 'download the domain-verification file',
      functionName: 'downloadQRCodeText',
      input: { prefix },
      writes: false,
      summary: (answer) => `${String(answer['file_name'])} (content ${String(answer['file_content'])}), serve it at ${String(answer['serve_at'])}`,
    },
    {
      title: 'add a rule',
      functionName: 'addJumpQRCode',
      input: { prefix, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, debug_url: [`${prefix}demo?id=1`], is_edit: 0 },
      writes: true,
      summary: (answer) => `rule ${String(answer['prefix'])} added (unpublished)`,
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
    {
      title: 'publish the rule',
      functionName: 'publishJumpQRCode',
      input: { prefix },
      writes: true,
      summary: (answer) => `rule ${String(answer['prefix'] ?? prefix)} published: scanning a QR code under it now opens the Mini Program`,
    },
  ];
}
