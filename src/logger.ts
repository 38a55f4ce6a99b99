/**
 * Structured logs (pino) with personal data masked: 身份证号 (18-digit resident ID), mobile and
 * landline numbers, e-mail. Citizens type these into chats; logs must never keep them.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const ID_CARD = /(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9])/g;
const MOBILE = /(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9])/g;
const LANDLINE = /(?<![0-9])0\d{2,3}-?\d{7,8}(?![0-9])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Replace personal identifiers in free text; hotline numbers (110, 12348…) are left alone. */
export function maskPersonalData(text: string): string {
  return text
    .replace(ID_CARD, (m) => `${m.slice(0, 3)}***********${m.slice(-2)}`)
    .replace(MOBILE, (m) => `${m.replace(/\D/g, '').slice(-11, -8)}****${m.replace(/\D/g, '').slice(-4)}`)
    .replace(LANDLINE, '0***-*******')
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
