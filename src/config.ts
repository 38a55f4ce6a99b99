/**
 * Environment configuration, validated once at start-up. Secrets come only from the environment;
 * defaults give a working single-machine bot (memory state, web chat on port 3978).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseStaffedHours } from './cases/hours';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KNOWLEDGE_DIR: z.string().default('knowledge'),
  DIALOGS_DIR: z.string().default('dialogs'),
  /** Prebuilt index from `npm run kb -- build`; rebuilt in memory when missing or stale. */
  SEARCH_INDEX_FILE: z.string().default('build/search-index.json'),
  /** Rebuild the index when knowledge files change (development only). */
  WATCH_CONTENT: bool,
  /** memory | sqlite:<file> ; the scale-out issue adds redis://… */
  STATE_STORE: z.string().default('memory'),
  // ---- 12348 cases and the staff console (issue 12) ----
  /** PostgreSQL for cases, staff accounts and sessions; unset: SQLite at CASES_DB. */
  DATABASE_URL: optionalSecret,
  /** PostgreSQL schema for those tables. */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default('public'),
  CASES_DB: z.string().default('data/cases.db'),
  /** When staff answer: "<day>-<day> HH:MM-HH:MM" (1 = Monday), several joined with ";". */
  STAFF_HOURS: z.string().default('1-5 09:00-17:00'),
  STAFF_TIMEZONE: z.string().default('Asia/Shanghai'),
  /** Secure session cookies; default on in production (turn off only for plain-HTTP development). */
  STAFF_COOKIE_SECURE: z.enum(['true', 'false', '1', '0', '']).optional(),
  STAFF_SESSION_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  /** Canned replies for staff (content files). */
  CANNED_DIR: z.string().default('knowledge/canned'),
  /** Public URL of this bot (links to full answers from WeChat). */
  PUBLIC_BASE_URL: z.string().url().optional(),
  // Bot Framework (Azure Bot Service) credentials: when unset, /api/messages accepts unauthenticated
  // local traffic (Emulator, curl); when set, CloudAdapter validates every token.
  MicrosoftAppId: optionalSecret,
  MicrosoftAppPassword: optionalSecret,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  MicrosoftAppTenantId: optionalSecret,
  /** Signs Direct Line tokens; a random per-process secret is used when unset (dev only). */
  DIRECTLINE_SECRET: optionalSecret,
  /** Web chat through Azure Bot Service's Direct Line instead of our own endpoint (the server exchanges this for tokens). */
  DIRECTLINE_AZURE_SECRET: optionalSecret,
  DIRECTLINE_AZURE_DOMAIN: z.string().url().default('https://directline.botframework.com/v3/directline'),
  /** Web chat polls instead of using a WebSocket (for proxies that drop WebSocket upgrades). */
  DIRECTLINE_POLLING: bool,
  WECHAT_TOKEN: optionalSecret,
  WECHAT_APPID: optionalSecret,
  WECHAT_APPSECRET: optionalSecret,
  WECHAT_ENCODING_AES_KEY: optionalSecret,
  WECHAT_ENCODING_AES_KEY_PREVIOUS: optionalSecret,
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
});

export type Config = z.infer<typeof configSchema> & { knowledgeDir: string; dialogsDir: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = configSchema.safeParse(env);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const c = r.data;
  const problems: string[] = [];
  if (c.MicrosoftAppId && !c.MicrosoftAppPassword && c.MicrosoftAppType !== 'UserAssignedMSI') {
    problems.push('MicrosoftAppPassword: required when MicrosoftAppId is set');
  }
  if (c.NODE_ENV === 'production' && !c.DIRECTLINE_SECRET) {
    problems.push('DIRECTLINE_SECRET: required in production (web chat tokens must survive restarts)');
  }
  if (c.DIRECTLINE_SECRET && c.DIRECTLINE_SECRET.length < 16) {
    problems.push('DIRECTLINE_SECRET: must be at least 16 characters');
  }
  if (c.WECHAT_TOKEN && c.WECHAT_ENCODING_AES_KEY && c.WECHAT_ENCODING_AES_KEY.length !== 43) {
    problems.push('WECHAT_ENCODING_AES_KEY: must be 43 characters');
  }
  if (c.WECHAT_TOKEN && c.WECHAT_ENCODING_AES_KEY && !c.WECHAT_APPID) {
    problems.push('WECHAT_APPID: required for safe mode (WECHAT_ENCODING_AES_KEY is set)');
  }
  try {
    parseStaffedHours(c.STAFF_HOURS);
    new Intl.DateTimeFormat('en-US', { timeZone: c.STAFF_TIMEZONE });
  } catch (e) {
    problems.push(`STAFF_HOURS / STAFF_TIMEZONE: ${(e as Error).message}`);
  }
  if (problems.length) throw new ConfigError(problems);
  return { ...c, knowledgeDir: resolve(c.KNOWLEDGE_DIR), dialogsDir: resolve(c.DIALOGS_DIR) };
}
