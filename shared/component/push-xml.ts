import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Pushes are a flat <xml> of a few short fields; anything bigger is not WeChat's. */
export const MAX_PUSH_XML_BYTES = 64 * 1024;

export class PushXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushXmlError';
  }
}

const parser = new XMLParser({ processEntities: false, parseTagValue: false, ignoreAttributes: true, trimValues: false, ignoreDeclaration: true });

/**
 * Reads WeChat's push XML (`<xml><Name><![CDATA[value]]></Name>...</xml>`) into its fields. Refuses
 * a document type or entity declarations (no XXE, no entity expansion), broken XML, a root other
 * than <xml>, repeated or nested fields: a push has one flat level of text fields.
 */
export function parsePushXml(text: string): Record<string, string> {
  if (Buffer.byteLength(text, 'utf8') > MAX_PUSH_XML_BYTES) throw new PushXmlError(`XML larger than ${MAX_PUSH_XML_BYTES} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new PushXmlError('XML with a document type or entity declaration is refused');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new PushXmlError(`broken XML (line ${valid.err.line}: ${valid.err.code})`);
  const parsed = parser.parse(text) as Record<string, unknown>;
  const roots = Object.keys(parsed);
  const root = parsed['xml'];
  if (roots.length !== 1 || typeof root !== 'object' || root === null || Array.isArray(root)) throw new PushXmlError('the root element must be one <xml> with fields inside');
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(root as Record<string, unknown>)) {
    // Text between the fields: line breaks and indentation only.
    if (name === '#text' && typeof value === 'string' && value.trim() === '') continue;
    if (typeof value !== 'string') throw new PushXmlError(`field ${name.slice(0, 40)} must appear once, as text`);
    fields[name] = value;
  }
  return fields;
}

/** Builds a flat push XML (the emulator's pushes), every value in CDATA. */
export function buildPushXml(fields: Readonly<Record<string, string | number>>): string {
  const inner = Object.entries(fields)
    .map(([name, value]) => (typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`))
    .join('');
  return `<xml>${inner}</xml>`;
}
