import { redact } from '../redact';

/**
 * The Code and Message of a COS error body (`<Error><Code>…</Code><Message>…</Message></Error>`),
 * as " Code: Message" for an error message, redacted; "" when the body is not one.
 */
export function cosError(text: string): string {
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]{1,300})<\/Message>/.exec(text)?.[1];
  if (code === undefined) return '';
  return redact(message === undefined ? ` ${code}` : ` ${code}: ${message}`);
}
