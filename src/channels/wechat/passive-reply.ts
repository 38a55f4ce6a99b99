/**
 * The way out through the HTTP response: WeChat reads a "passive reply" from the response to the
 * message's own request (within its 5 s), or "success" meaning "nothing now" (the answer then
 * follows through customer service).
 *
 * Contract: the reply is a text message from our account (the request's ToUserName) to the
 * citizen (its FromUserName), CreateTime now, content in CDATA that stays one text node whatever
 * it contains (xml.ts). When the request was encrypted (safe or compatible mode), so is the
 * reply: the message XML encrypted with the current EncodingAESKey for our AppID, in an envelope
 * signed over sorted token/timestamp/nonce/Encrypt with a fresh timestamp and nonce. A plaintext
 * request gets a plaintext reply.
 */
import { randomInt } from 'node:crypto';
import type { Response } from 'express';
import { sha1Signature, type WeChatCipher } from './crypto';
import type { ParsedRequest } from './request';
import { encryptedEnvelopeXml, textReplyXml } from './xml';

export interface PassiveReplyOptions {
  token: string;
  cipher?: WeChatCipher;
  /** Milliseconds since the epoch. */
  now: () => number;
}

/** The response body answering `request` with `content`. */
export function passiveReplyXml(request: ParsedRequest, content: string, o: PassiveReplyOptions): string {
  const nowSec = Math.floor(o.now() / 1000);
  const m = request.message;
  const xml = textReplyXml({ toUser: m.openId, fromUser: m.account, createTime: nowSec, content });
  if (!request.encrypted || !o.cipher) return xml;
  const encrypt = o.cipher.encrypt(xml);
  const timestamp = String(nowSec);
  const nonce = String(randomInt(1_000_000_000, 9_999_999_999));
  const signature = sha1Signature([o.token, timestamp, nonce, encrypt]);
  return encryptedEnvelopeXml({ encrypt, signature, timestamp, nonce });
}

export function sendPassiveReply(res: Response, request: ParsedRequest, content: string, o: PassiveReplyOptions): void {
  res.status(200).type('application/xml').send(passiveReplyXml(request, content, o));
}

/** "Received, nothing to say in this response." */
export function sendSuccess(res: Response): void {
  res.status(200).type('text/plain').send('success');
}
