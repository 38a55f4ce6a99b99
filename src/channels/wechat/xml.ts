/**
 * The XML WeChat speaks, read defensively and written so it cannot break.
 *
 * Reading: WeChat only sends a flat <xml> with text/CDATA children (a few events nest one level).
 * Anything with a DTD or entity declaration is refused before parsing (billion laughs, XXE);
 * fast-xml-parser runs with entity processing off, so only the five predefined entities and
 * numeric references are decoded, by us, without recursion. Size is bounded by the caller.
 *
 * Writing: every string goes into CDATA with "]]>" split across sections, and characters XML 1.0
 * forbids (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped: one bad character
 * in an answer would make the whole reply invalid and the citizen would see "该公众号暂时无法提供服务".
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WeChatRequestError } from './errors';

/** A parsed WeChat XML document: tag → text, or a nested record for the few nested events. */
export interface XmlRecord {
  [tag: string]: string | XmlRecord;
}

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  textNodeName: '#text',
  commentPropName: false,
});

const FORBIDDEN_MARKUP = /<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST|<!NOTATION|SYSTEM\s+["']/i;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (m, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref] ?? m;
    const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '';
  });
}

function toRecord(node: unknown, depth: number): XmlRecord {
  const out: XmlRecord = {};
  if (!node || typeof node !== 'object') return out;
  for (const [tag, raw] of Object.entries(node as Record<string, unknown>)) {
    if (tag === '#text' || tag === '#cdata') continue;
    // A repeated tag never happens in what WeChat sends; keep the first rather than guess.
    const value = Array.isArray(raw) ? raw[0] : raw;
    out[tag] = toValue(value, depth + 1);
  }
  return out;
}

function toValue(value: unknown, depth: number): string | XmlRecord {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return decodeEntities(String(value));
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  const isText = keys.every((k) => k === '#text' || k === '#cdata');
  if (!isText) {
    if (depth > 4) throw new WeChatRequestError(400, 'xml-too-deep', 'XML nests too deeply');
    return toRecord(obj, depth);
  }
  const text = typeof obj['#text'] === 'string' ? decodeEntities(obj['#text']) : '';
  const cdataRaw = obj['#cdata'];
  const cdata = Array.isArray(cdataRaw) ? cdataRaw.map(String).join('') : cdataRaw === undefined ? '' : String(cdataRaw);
  return cdata && !text.trim() ? cdata : text + cdata;
}

/** Parses one WeChat XML document (already size-checked); throws WeChatRequestError(400) on anything else. */
export function parseWeChatXml(text: string): XmlRecord {
  if (FORBIDDEN_MARKUP.test(text)) {
    throw new WeChatRequestError(400, 'xml-dtd', 'XML with DTD or entity declarations is not accepted');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new WeChatRequestError(400, 'xml-malformed', `malformed XML: ${valid.err.msg}`, { line: valid.err.line });
  }
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new WeChatRequestError(400, 'xml-malformed', `malformed XML: ${(err as Error).message}`);
  }
  const roots = Object.keys(doc);
  if (roots.length !== 1 || roots[0] !== 'xml' || typeof doc.xml !== 'object' || doc.xml === null || Array.isArray(doc.xml)) {
    throw new WeChatRequestError(400, 'xml-root', 'expected a single <xml> root element');
  }
  return toRecord(doc.xml, 0);
}

/** A text field of a parsed record ('' when missing or nested). */
export function field(rec: XmlRecord, tag: string): string {
  const v = rec[tag];
  return typeof v === 'string' ? v : '';
}

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
const NOT_XML_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function stripInvalidXmlChars(s: string): string {
  return s.replace(NOT_XML_CHAR, '');
}

/** CDATA section that stays one text node whatever `s` contains. */
export function cdata(s: string): string {
  return `<![CDATA[${stripInvalidXmlChars(s).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

export function textReplyXml(p: { toUser: string; fromUser: string; createTime: number; content: string }): string {
  return (
    `<xml><ToUserName>${cdata(p.toUser)}</ToUserName><FromUserName>${cdata(p.fromUser)}</FromUserName>` +
    `<CreateTime>${Math.floor(p.createTime)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content>${cdata(p.content)}</Content></xml>`
  );
}

export function encryptedEnvelopeXml(p: { encrypt: string; signature: string; timestamp: string; nonce: string }): string {
  return (
    `<xml><Encrypt>${cdata(p.encrypt)}</Encrypt><MsgSignature>${cdata(p.signature)}</MsgSignature>` +
    `<TimeStamp>${p.timestamp}</TimeStamp><Nonce>${cdata(p.nonce)}</Nonce></xml>`
  );
}
