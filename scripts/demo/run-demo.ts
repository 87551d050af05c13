import type { ProgressEvent } from '../../shared/progress/events';
import { progressLine, withLiveProgress } from '../local-runtime/live-progress';
import type { DemoStep } from './qr-jump-demo';

export interface DemoOptions {
  gatewayUrl: string;
  httpKey: string;
  /** False against a real account: writing steps are described, not run. */
  allowWrites: boolean;
  print: (line: string) => void;
  /** Pause between two steps that call the gateway (default STEP_PAUSE_MS). */
  pauseMs?: number;
  /**
   * True when the gateway runs the bundles in this process: a workflow's steps are then printed
   * live as each finishes (indented under the step), instead of from the answer afterwards.
   */
  liveProgress?: boolean;
}

/**
 * WeChat allows 5 calls per second to the qrcodejump API (more answer 44990, which the functions
 * retry after a back-off, printing a warning). One demo step makes up to 4 such calls
 * (setupQRCodeJump: download, get, add, publish), so a pause of just over a second between steps
 * keeps the demo inside the limit, against WeChat as against the emulator, which enforces it too.
 */
export const STEP_PAUSE_MS = 1100;

export interface DemoOutcome {
  ok: boolean;
  ran: number;
  skipped: number;
}

/** Single-quoted for a POSIX shell. */
const quoted = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;

/**
 * What one step's HTTP call looks like, for the printed curl line. The key is written out, or, given
 * as `{ variable }`, left to the shell to expand (so a key of the user's own is never printed).
 */
export function curlLine(gatewayUrl: string, functionName: string, key: string | { variable: string }, input: unknown): string {
  const authorization = typeof key === 'string' ? quoted(`Authorization: Bearer ${key}`) : `"Authorization: Bearer $${key.variable}"`;
  return `curl -sS -X POST ${gatewayUrl}/${functionName} -H ${authorization} -H 'Content-Type: application/json' -d ${quoted(JSON.stringify(input))}`;
}

/** An `npm run -s invoke` line with the variables it needs set in front (shell syntax; -s: no npm banner on stdout, so it pipes into jq). */
export function invokeLine(vars: Readonly<Record<string, string>>, functionName: string, input: unknown, asOpenId?: string): string {
  const assignments = Object.entries(vars).map(([name, value]) => `${name}=${/^[\w.:/@,+-]*$/.test(value) ? value : quoted(value)}`);
  const caller = asOpenId === undefined ? '' : ` --as-openid ${asOpenId}`;
  return `${assignments.join(' ')} npm run -s invoke -- ${functionName} ${quoted(JSON.stringify(input))}${caller}`;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
    if (ran > 0) await pause(options.pauseMs ?? STEP_PAUSE_MS);
    options.print(`${label} ...`);
    let live = 0;
    const call = async () => {
      const response = await fetch(`${options.gatewayUrl}/${step.functionName}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.httpKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(step.input),
      });
      return { response, text: await response.text() };
    };
    const show = (event: ProgressEvent) => {
      live++;
      options.print(`      ${progressLine(event)}`);
    };
    const { response, text } = options.liveProgress === true ? await withLiveProgress(show, call) : await call();
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
    // Steps already shown live are not listed again from the answer.
    if (live === 0) for (const line of step.details?.(answer) ?? []) options.print(`      ${line}`);
  }
  return { ok: true, ran, skipped };
}
