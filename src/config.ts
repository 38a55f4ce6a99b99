/**
 * Environment configuration, validated once at start-up. Secrets come only from the environment;
 * defaults give a working single-machine bot (memory state, web chat on port 3978).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseStaffedHours } from './cases/hours';
import { DEFAULT_RATE_LIMITS, LIMIT_NAMES, parseRate, type RateLimitSettings } from './http/rate-limits';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const count = (def: number) => z.coerce.number().int().min(1).default(def);
const rate = (def: { points: number; durationSec: number }) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      const r = parseRate(v);
      if (!r) ctx.addIssue({ code: 'custom', message: 'must be "<requests>/<seconds>", e.g. 30/60' });
      return r ?? def;
    });

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
  /** Editors' saves from the console: a git commit each when knowledge/ is in a git work tree (auto), or never (off). */
  KB_GIT: z.enum(['auto', 'off']).default('auto'),
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
  /** safe: only encrypted bodies; compatible: both; plain: no key. Default: safe with a key, else plain. */
  WECHAT_MESSAGE_MODE: z.enum(['plain', 'compatible', 'safe']).optional(),

  // ---- bounds (issue 10): rate limits, body limits, server timeouts, in-memory store sizes ----
  /** off: no rate limits (load tests, benchmarks). */
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  RATE_LIMIT_MESSAGES_PER_IP: rate(DEFAULT_RATE_LIMITS.messagesPerIp),
  RATE_LIMIT_MESSAGES_PER_CONVERSATION: rate(DEFAULT_RATE_LIMITS.messagesPerConversation),
  RATE_LIMIT_TOKENS_PER_IP: rate(DEFAULT_RATE_LIMITS.tokensPerIp),
  RATE_LIMIT_DIRECTLINE_PER_IP: rate(DEFAULT_RATE_LIMITS.directLinePerIp),
  RATE_LIMIT_DIRECTLINE_PER_CONVERSATION: rate(DEFAULT_RATE_LIMITS.directLinePerConversation),
  RATE_LIMIT_SEARCH_PER_IP: rate(DEFAULT_RATE_LIMITS.searchPerIp),
  RATE_LIMIT_WECHAT_PER_USER: rate(DEFAULT_RATE_LIMITS.wechatPerUser),
  RATE_LIMIT_WECHAT_REFUSED_PER_IP: rate(DEFAULT_RATE_LIMITS.wechatRefusedPerIp),
  /** JSON bodies: bytes (express notation), nesting depth, number of values. */
  JSON_MAX_BYTES: z.string().regex(/^\d+(b|kb|mb)?$/i).default('256kb'),
  JSON_MAX_DEPTH: count(32),
  JSON_MAX_VALUES: count(10_000),
  /** Server: time to receive the headers, the whole request, idle keep-alive; open connections. */
  HTTP_HEADERS_TIMEOUT_MS: count(10_000),
  HTTP_REQUEST_TIMEOUT_MS: count(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: count(5_000),
  HTTP_MAX_CONNECTIONS: count(10_000),
  /** Outbound Bot Framework calls (with credentials). */
  BOTFRAMEWORK_TIMEOUT_MS: count(10_000),
  /** STATE_STORE=memory: most conversation/user state items kept, and how long one lives unused. */
  MEMORY_STATE_MAX_ITEMS: count(20_000),
  MEMORY_STATE_TTL_HOURS: count(24),
  /** In-memory feedback/unanswered records kept (each list). */
  MEMORY_RECORDS_MAX: count(5_000),
  /** Direct Line log (memory): conversations kept, idle hours before one is dropped. */
  DIRECTLINE_LOG_MAX_CONVERSATIONS: count(5_000),
  DIRECTLINE_LOG_IDLE_HOURS: count(24),
  /** WeChat: message de-duplication keys and full-answer pages kept in memory. */
  WECHAT_DEDUPE_MAX: count(100_000),
  WECHAT_ANSWER_PAGES_MAX: count(20_000),
  /** Stored state and records older than this are deleted (a job runs every RETENTION_SWEEP_MINUTES). */
  RETENTION_DAYS: count(30),
  RETENTION_SWEEP_MINUTES: count(60),
});

export type Config = z.infer<typeof configSchema> & { knowledgeDir: string; dialogsDir: string; rateLimits: RateLimitSettings };

const RATE_ENV: Record<(typeof LIMIT_NAMES)[number], keyof z.infer<typeof configSchema>> = {
  messagesPerIp: 'RATE_LIMIT_MESSAGES_PER_IP',
  messagesPerConversation: 'RATE_LIMIT_MESSAGES_PER_CONVERSATION',
  tokensPerIp: 'RATE_LIMIT_TOKENS_PER_IP',
  directLinePerIp: 'RATE_LIMIT_DIRECTLINE_PER_IP',
  directLinePerConversation: 'RATE_LIMIT_DIRECTLINE_PER_CONVERSATION',
  searchPerIp: 'RATE_LIMIT_SEARCH_PER_IP',
  wechatPerUser: 'RATE_LIMIT_WECHAT_PER_USER',
  wechatRefusedPerIp: 'RATE_LIMIT_WECHAT_REFUSED_PER_IP',
};

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
  if (c.WECHAT_MESSAGE_MODE && c.WECHAT_MESSAGE_MODE !== 'plain' && !c.WECHAT_ENCODING_AES_KEY) {
    problems.push(`WECHAT_MESSAGE_MODE: ${c.WECHAT_MESSAGE_MODE} needs WECHAT_ENCODING_AES_KEY`);
  }
  try {
    parseStaffedHours(c.STAFF_HOURS);
    new Intl.DateTimeFormat('en-US', { timeZone: c.STAFF_TIMEZONE });
  } catch (e) {
    problems.push(`STAFF_HOURS / STAFF_TIMEZONE: ${(e as Error).message}`);
  }
  if (problems.length) throw new ConfigError(problems);
  const rateLimits = { enabled: c.RATE_LIMITS === 'on' } as RateLimitSettings;
  for (const name of LIMIT_NAMES) rateLimits[name] = c[RATE_ENV[name]] as RateLimitSettings[typeof name];
  return { ...c, knowledgeDir: resolve(c.KNOWLEDGE_DIR), dialogsDir: resolve(c.DIALOGS_DIR), rateLimits };
}
