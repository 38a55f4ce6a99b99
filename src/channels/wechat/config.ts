/**
 * What the WeChat channel is configured with: the account's secrets and addresses (from the
 * environment, through src/config.ts) and the tuning of its time and size limits, with defaults
 * measured against WeChat's own (a 5 s reply window, 2,048-byte messages).
 */
import type { MessageMode } from './request';

export interface WeChatChannelConfig {
  /** WECHAT_TOKEN: the shared secret of the signatures. */
  token: string;
  /** WECHAT_APPID: needed for safe mode (AppID check) and the customer-service API. */
  appId?: string;
  /** WECHAT_APPSECRET: needed for the customer-service API (late answers, staff replies). */
  appSecret?: string;
  /** WECHAT_ENCODING_AES_KEY (43 chars): safe / compatible mode. */
  encodingAESKey?: string;
  /** WECHAT_ENCODING_AES_KEY_PREVIOUS: still accepted for decryption after a key rotation. */
  previousEncodingAESKey?: string;
  /** WECHAT_API_BASE, e.g. https://api.weixin.qq.com (tests: the fake platform). */
  apiBase: string;
  /** PUBLIC_BASE_URL: enables links to full answers at {publicBaseUrl}/wechat/a/<id>. */
  publicBaseUrl?: string;
  /** WECHAT_MESSAGE_MODE; default "safe" when encodingAESKey is set, else "plain". */
  messageMode?: MessageMode;
}

export interface WeChatTuning {
  /** How long a request waits for the turn before answering "success" (WeChat gives up at 5 s). */
  replyBudgetMs: number;
  /** Requests whose timestamp is further than this from our clock are refused as stale. */
  maxClockSkewSec: number;
  maxBodyBytes: number;
  /** How long a client may take to send the body. */
  bodyTimeoutMs: number;
  /** A turn running longer than this is abandoned with an apology (frees the user's queue). */
  turnTimeoutMs: number;
  /** Size of one chat message (UTF-8 bytes). */
  maxPartBytes: number;
  /** Messages per answer (passive + customer service); more goes behind the full-answer link. */
  maxPartsPerAnswer: number;
  /** Pause before the customer-service continuation of a passive reply, so the order holds. */
  continuationDelayMs: number;
  apiRetries: number;
  apiBackoffMs: number;
  apiTimeoutMs: number;
}

export const DEFAULT_TUNING: WeChatTuning = {
  replyBudgetMs: 4500,
  maxClockSkewSec: 300,
  maxBodyBytes: 64 * 1024,
  bodyTimeoutMs: 10_000,
  turnTimeoutMs: 60_000,
  maxPartBytes: 2000,
  maxPartsPerAnswer: 4,
  continuationDelayMs: 300,
  apiRetries: 3,
  apiBackoffMs: 300,
  apiTimeoutMs: 5000,
};
