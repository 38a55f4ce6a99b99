// Types for the `wechat-crypto` package (plain JavaScript), used in tests as the platform's peer.
declare module 'wechat-crypto' {
  class WXBizMsgCrypt {
    constructor(token: string, encodingAESKey: string, id: string);
    token: string;
    id: string;
    key: Buffer;
    iv: Buffer;
    getSignature(timestamp: string, nonce: string, encrypt: string): string;
    decrypt(text: string): { message: string; id: string };
    encrypt(text: string): string;
  }
  export = WXBizMsgCrypt;
}
