/**
 * Seeded generators of hostile input for every public endpoint (the mocha fuzz test and the longer
 * bench/fuzz.bench.ts run share them). Same seed → same inputs, so a failure can be replayed.
 * Each generator returns a request description; send() in the caller puts it on the wire.
 */
import { createHash } from 'node:crypto';

export type Rng = () => number;

/** mulberry32: small, fast, good enough to shuffle inputs reproducibly. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** encodeURIComponent refuses lone surrogates; a client would have sent U+FFFD. */
const enc = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)]!;

const WORDS = ['工资', '离婚', '110', '转人工', '我在邳州市', '是', '不是', '跳过', 'English', '法律援助预审', '１３９１２３４５６７８', '😀', '\u0000', '\u202e', '<script>alert(1)</script>', ']]>', '&amp;', '%00', '../../etc/passwd', '${jndi:x}', '\uFFFF', '\uD800'];

export function text(r: Rng): string {
  switch (int(r, 6)) {
    case 0:
      return pick(r, WORDS);
    case 1:
      return Array.from({ length: 1 + int(r, 8) }, () => pick(r, WORDS)).join(pick(r, [' ', '', '，', '\n']));
    case 2:
      return pick(r, WORDS).repeat(1 + int(r, 3000));
    case 3:
      return String.fromCharCode(...Array.from({ length: 1 + int(r, 40) }, () => int(r, 0xffff)));
    case 4:
      return '';
    default:
      return `${pick(r, WORDS)}${int(r, 1e9)}`;
  }
}

function nested(r: Rng, depth: number): string {
  const open = pick(r, ['[', '{"a":']);
  const close = open === '[' ? ']' : '}';
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

/** Any JSON value, sometimes absurd. */
export function value(r: Rng, depth = 0): unknown {
  switch (int(r, depth > 3 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return int(r, 3) === 0 ? -0 : r() * 1e12 - 5e11;
    case 2:
      return r() < 0.5;
    case 3:
    case 4:
      return text(r);
    case 5:
      return Array.from({ length: int(r, 5) }, () => value(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = int(r, 5); i > 0; i--) o[pick(r, ['type', 'text', 'id', '__proto__', 'constructor', 'value', 'name', text(r).slice(0, 10)])] = value(r, depth + 1);
      return o;
    }
  }
}

export interface FuzzRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** Which endpoint family (for the counts). */
  family: 'messages' | 'directline' | 'wechat' | 'search';
}

const ACTIVITY_FIELDS = ['type', 'channelId', 'conversation', 'from', 'recipient', 'text', 'deliveryMode', 'serviceUrl', 'value', 'channelData', 'locale', 'attachments', 'entities', 'membersAdded', 'id'];

/** A JSON body: a plausible object with fields dropped/replaced, raw garbage, deep nesting or bad bytes. */
export function jsonBody(r: Rng, plausible: Record<string, unknown>): string | Uint8Array<ArrayBuffer> {
  switch (int(r, 10)) {
    case 0: {
      const s = JSON.stringify(plausible);
      return s.slice(0, int(r, s.length)); // truncated
    }
    case 1:
      return `{"type":"message","text":"x","value":${nested(r, pick(r, [100, 1000, 3000, 5000, 20000]))}}`;
    case 2: {
      const s = Buffer.from(JSON.stringify(plausible));
      const bad = Buffer.from([pick(r, [0xff, 0xc3, 0xe4, 0x80, 0xfe])]);
      const at = int(r, s.length);
      return new Uint8Array(Buffer.concat([s.subarray(0, at), bad, s.subarray(at)]));
    }
    case 3:
      return JSON.stringify(value(r));
    default: {
      const o: Record<string, unknown> = { ...plausible };
      for (let i = 1 + int(r, 3); i > 0; i--) {
        const f = pick(r, ACTIVITY_FIELDS);
        if (r() < 0.4) delete o[f];
        else o[f] = value(r);
      }
      return JSON.stringify(o);
    }
  }
}

export function messagesRequest(r: Rng, conversations: string[]): FuzzRequest {
  const plausible = {
    type: 'message',
    text: text(r),
    channelId: pick(r, ['emulator', 'wechat', 'directline', 'test', '']),
    conversation: { id: pick(r, conversations) },
    from: { id: `u-${int(r, 50)}` },
    recipient: { id: 'bot' },
    serviceUrl: pick(r, ['http://127.0.0.1:9/internal-admin/', 'https://example.org', 'file:///etc/passwd']),
    deliveryMode: r() < 0.8 ? 'expectReplies' : pick(r, ['normal', undefined, 'x']),
  };
  return { method: 'POST', path: '/api/messages', headers: { 'content-type': pick(r, ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/json; charset=latin1']) }, body: jsonBody(r, plausible), family: 'messages' };
}

export interface DirectLineSession {
  conversationId: string;
  token: string;
}

export function directLineRequest(r: Rng, sessions: DirectLineSession[], mount = '/v3/directline'): FuzzRequest {
  const s = pick(r, sessions);
  const other = pick(r, sessions);
  const token = pick(r, [s.token, s.token, s.token, other.token, 'garbage', `${s.token.slice(0, -3)}abc`, '']);
  const headers: Record<string, string> = { 'content-type': pick(r, ['application/json', 'application/json', 'text/plain']) };
  if (token) headers.authorization = `Bearer ${token}`;
  const conv = pick(r, [s.conversationId, s.conversationId, other.conversationId, '..%2f..', 'x'.repeat(300), text(r).slice(0, 30)]);
  const path = (p: string) => `${mount}${p}`;
  switch (int(r, 6)) {
    case 0:
      return { method: 'GET', path: path(`/conversations/${enc(conv)}/activities?watermark=${enc(pick(r, ['', '0', '-1', '1e400', 'abc', String(Date.now()), '9'.repeat(40)]))}`), headers, family: 'directline' };
    case 1:
      return { method: 'POST', path: path(pick(r, ['/conversations', '/tokens/refresh', '/tokens/generate'])), headers, body: jsonBody(r, { locale: pick(r, ['zh-CN', 'en', 'x']), user: { id: text(r).slice(0, 20) } }), family: 'directline' };
    default:
      return {
        method: 'POST',
        path: path(`/conversations/${enc(conv)}/activities`),
        headers,
        body: jsonBody(r, { type: pick(r, ['message', 'message', 'event', 'typing', 'conversationUpdate', 'invoke']), text: text(r), name: 'webchat/join', locale: 'zh-CN', channelData: { clientActivityID: String(int(r, 1e9)) } }),
        family: 'directline',
      };
  }
}

export function wechatRequest(r: Rng, token: string, now = Date.now()): FuzzRequest {
  const timestamp = String(r() < 0.9 ? Math.floor(now / 1000) : int(r, 2e9));
  const nonce = String(int(r, 1e9));
  const signature = r() < 0.9 ? createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex') : 'f'.repeat(40);
  const q = new URLSearchParams({ signature, timestamp, nonce });
  if (r() < 0.1) q.set('encrypt_type', 'aes');
  const fields: Record<string, string> = {
    ToUserName: 'gh_fuzz',
    FromUserName: pick(r, ['oFuzzA', 'oFuzzB', 'o'.repeat(80), '', '<x>', text(r).slice(0, 10)]),
    CreateTime: pick(r, [String(Math.floor(now / 1000)), 'x', '']),
    MsgType: pick(r, ['text', 'text', 'text', 'event', 'voice', 'location', 'image', 'bogus', '']),
    Content: text(r),
    MsgId: pick(r, [String(int(r, 1e15)), '1', '', 'x'.repeat(30)]),
    Event: pick(r, ['subscribe', 'CLICK', 'unsubscribe', 'x']),
    EventKey: pick(r, ['MENU_1', text(r).slice(0, 50)]),
    Recognition: text(r),
    Label: text(r),
    Location_X: String(r() * 90),
  };
  let xml = `<xml>${Object.entries(fields)
    .filter(() => r() < 0.9)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('')}</xml>`;
  switch (int(r, 8)) {
    case 0:
      xml = `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml.replace('<xml>', '<xml><Content>&e;</Content>')}`;
      break;
    case 1:
      xml = xml.slice(0, int(r, xml.length));
      break;
    case 2:
      xml = `<xml>${'<a>'.repeat(int(r, 5000))}</xml>`;
      break;
    default:
  }
  let body: string | Uint8Array<ArrayBuffer> = xml;
  if (r() < 0.05) body = new Uint8Array(Buffer.concat([Buffer.from(xml), Buffer.from([0xff, 0xfe])]));
  return { method: 'POST', path: `/wechat?${q}`, headers: { 'content-type': pick(r, ['text/xml', 'text/xml', 'application/json', 'application/xml; charset=utf-8']) }, body, family: 'wechat' };
}

export function searchRequest(r: Rng): FuzzRequest {
  const params = new URLSearchParams();
  if (r() < 0.95) params.append('q', text(r).slice(0, pick(r, [10, 100, 2500])));
  if (r() < 0.05) params.append('q', 'twice');
  if (r() < 0.3) params.set('top', pick(r, ['1', '50', '0', '-1', '1e3', 'x', '3.5']));
  if (r() < 0.2) params.set('locale', pick(r, ['zh-CN', 'en', 'fr', '']));
  return { method: 'GET', path: `/api/kb/search?${params}`, headers: {}, family: 'search' };
}
