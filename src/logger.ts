/**
 * Structured logs (pino) with personal data masked: 身份证号 (18-digit resident ID), mobile and
 * landline numbers, bank cards and any long run of digits, e-mail. Citizens type these into chats;
 * logs must never keep them. maskPersonalData is the one masking function: stored records and
 * stored state (src/state) use it too.
 *
 * Digit-like characters are NFKC-normalised first (full-width ３２０３…, ideographic space, ｘ),
 * so "３２０３０２１９９００１０１１２３４" is caught like its ASCII form; other text, Chinese
 * punctuation included, is left as typed. Digits typed together (ID + phone in one run, a bank card
 * with or without spaces) are masked as one run: 15 or more digits, whatever they are.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const ID_CARD = /(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9])/g;
const MOBILE = /(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9])/g;
const LANDLINE = /(?<![0-9])0\d{2,3}-?\d{7,8}(?![0-9])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** 15+ digits, optionally in groups split by one space or hyphen (bank cards, ID + phone together). */
const DIGIT_RUN = /(?<![0-9])\d(?:[ -]?\d){14,}[Xx]?(?![0-9])/g;
/** Characters whose NFKC form is an ASCII digit, X/x, + or -, or a space (full-width, other scripts). */
const DIGIT_LIKE = /[\uFF10-\uFF19\uFF38\uFF58\uFF0B\uFF0D\u3000\u2460-\u2468\u0660-\u0669\u06F0-\u06F9]/g;
const BARE = /[0-9０-９]{3,}/;

function foldDigits(text: string): string {
  return text.replace(DIGIT_LIKE, (c) => {
    const n = c.normalize('NFKC');
    return /^[0-9Xx+\- ]$/.test(n) ? n : c;
  });
}

/** Replace personal identifiers in free text; hotline numbers (110, 12348…) are left alone. */
export function maskPersonalData(text: string): string {
  if (!BARE.test(text) && !text.includes('@')) return text; // nothing that could be a number or an address
  return foldDigits(text)
    .replace(ID_CARD, (m) => `${m.slice(0, 3)}***********${m.slice(-2)}`)
    .replace(MOBILE, (m) => `${m.replace(/\D/g, '').slice(-11, -8)}****${m.replace(/\D/g, '').slice(-4)}`)
    .replace(LANDLINE, '0***-*******')
    .replace(DIGIT_RUN, (m) => `${m.slice(0, 2)}**********${m.slice(-2)}`)
    .replace(EMAIL, '***@***');
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: maskPersonalData(value.message), stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'legal-aid-bot' },
    formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => maskDeep(a)) as Parameters<typeof method>;
        return method.apply(this, masked);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
