/**
 * WeChat message signatures and safe-mode (安全模式) encryption, with node:crypto only.
 *
 * - signature     = sha1(sort([token, timestamp, nonce]).join(''))           (every request)
 * - msg_signature = sha1(sort([token, timestamp, nonce, Encrypt]).join(''))  (safe mode)
 * - AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[0:16], PKCS#7 padding to 32-byte
 *   blocks (Node's own padding is 16-byte, so it is switched off), plaintext frame =
 *   random(16) | length(4, big-endian) | message | AppID.
 * Decryption tries the current key, then the previous one (after a rotation in the admin console
 * WeChat may still send a few messages under the old key). Replies are always encrypted with the
 * current key. All comparisons of secrets are constant-time.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { WeChatCryptoError } from './errors';

const BLOCK = 32;

export function sha1Signature(parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Constant-time check of a hex signature the client sent against the expected one. */
export function signatureMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(given.toLowerCase(), 'utf8'));
}

export function decodeAesKey(encodingAESKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey)) {
    throw new Error('EncodingAESKey must be 43 characters of [A-Za-z0-9+/]');
  }
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey does not decode to 32 bytes');
  return key;
}

function pkcs7Pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function pkcs7Unpad(data: Buffer): Buffer {
  const n = data[data.length - 1] ?? 0;
  if (n < 1 || n > BLOCK || n > data.length) throw new WeChatCryptoError('bad-padding', 'invalid PKCS#7 padding');
  for (let i = data.length - n; i < data.length; i++) {
    if (data[i] !== n) throw new WeChatCryptoError('bad-padding', 'invalid PKCS#7 padding');
  }
  return data.subarray(0, data.length - n);
}

export class WeChatCipher {
  private readonly keys: Buffer[];

  /**
   * @param currentKey  EncodingAESKey (43 chars) used for replies and tried first.
   * @param previousKey the key before the last rotation; accepted for decryption only.
   */
  constructor(
    private readonly appId: string,
    currentKey: string,
    previousKey?: string,
  ) {
    this.keys = [decodeAesKey(currentKey), ...(previousKey ? [decodeAesKey(previousKey)] : [])];
  }

  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length, 0);
    const plain = pkcs7Pad(Buffer.concat([random, len, body, Buffer.from(this.appId, 'utf8')]));
    const key = this.keys[0]!;
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  /** The message XML inside `encrypted`; throws WeChatCryptoError when no key opens it for our AppID. */
  decrypt(encrypted: string): { message: string; keyIndex: number } {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new WeChatCryptoError('bad-base64', 'Encrypt is not base64');
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % BLOCK !== 0) {
      throw new WeChatCryptoError('bad-length', `ciphertext length ${data.length} is not a multiple of ${BLOCK}`);
    }
    let first: WeChatCryptoError | undefined;
    for (const [keyIndex, key] of this.keys.entries()) {
      try {
        return { message: this.open(data, key), keyIndex };
      } catch (err) {
        if (!(err instanceof WeChatCryptoError)) throw err;
        first ??= err;
      }
    }
    throw first!;
  }

  private open(data: Buffer, key: Buffer): string {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const plain = pkcs7Unpad(Buffer.concat([decipher.update(data), decipher.final()]));
    if (plain.length < 20) throw new WeChatCryptoError('bad-frame', 'decrypted frame too short');
    const len = plain.readUInt32BE(16);
    if (20 + len > plain.length) throw new WeChatCryptoError('bad-frame', 'message length exceeds frame');
    const appId = plain.subarray(20 + len).toString('utf8');
    if (appId !== this.appId) throw new WeChatCryptoError('appid-mismatch', 'message is for another AppID');
    return plain.subarray(20, 20 + len).toString('utf8');
  }
}
