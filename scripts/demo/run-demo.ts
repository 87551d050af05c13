import type { DemoStep } from './qr-jump-demo';

export interface DemoOptions {
  gatewayUrl: string;
  httpKey: string;
  /** False against a real account: writing steps are described, not run. */
  allowWrites: boolean;
  print: (line: string) => void;
}

export interface DemoOutcome {
  ok: boolean;
  ran: number;
  skipped: number;
}

/** What one step's HTTP call looks like, for the printed curl line and the "would do" message. */
export function curlLine(gatewayUrl: string, functionName: string, httpKey: string, input: unknown): string {
  const body = JSON.stringify(input).replace(/'/g, "'\\''");
  return `curl -sS -X POST ${gatewayUrl}/${functionName} -H 'Authorization: Bearer ${httpKey}' -H 'Content-Type: application/json' -d '${body}'`;
}

/**
 * Runs the steps in order over real HTTP through the gateway (as any HTTP client would), printing
 * each as it happens. Stops at the first error answer: later steps depend on earlier ones.
 */
export async function runDemo(steps: readonly DemoStep[], options: DemoOptions): Promise<DemoOutcome> {
  let ran = 0;
  let skipped = 0;
  for (const [index, step] of steps.entries()) {
    const label = `[${index + 1}/${steps.length}] ${step.title} (${step.functionName})`;
    if (step.writes && !options.allowWrites) {
      skipped++;
      options.print(`${label}: skipped against a real account; it would POST ${JSON.stringify(step.input)} to /${step.functionName}`);
      continue;
    }
    options.print(`${label} ...`);
    const response = await fetch(`${options.gatewayUrl}/${step.functionName}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.httpKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(step.input),
    });
    const text = await response.text();
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(text) as Record<string, unknown>;
    } catch {
      options.print(`    HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
      return { ok: false, ran, skipped };
    }
    ran++;
    if (answer['errcode'] !== 0) {
      options.print(`    HTTP ${response.status}: errcode ${String(answer['errcode'])} ${String(answer['errmsg'])}`);
      if (typeof answer['hint'] === 'string') options.print(`    hint: ${answer['hint']}`);
      return { ok: false, ran, skipped };
    }
    options.print(`    HTTP ${response.status}: ${step.summary(answer)}`);
  }
  return { ok: true, ran, skipped };
}
