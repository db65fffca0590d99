/**
 * The cryptography of WeChat Pay API v3, shared by the client and the sandbox so both sides of the
 * contract are the same code: SHA256-with-RSA signatures over newline-joined messages, and
 * AEAD_AES_256_GCM for notification resources.
 */
import { createCipheriv, createDecipheriv, createSign, createVerify, type KeyObject, randomBytes } from 'node:crypto';

/** `a\nb\nc\n`: every v3 signature message is its parts, each followed by a newline. */
export function signatureMessage(...parts: string[]): string {
  return parts.map((part) => `${part}\n`).join('');
}

export function rsaSign(message: string, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(message).sign(privateKey, 'base64');
}

export function rsaVerify(message: string, signature: string, publicKey: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

export function nonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
  original_type: string;
}

export function encryptResource(
  plaintext: string,
  apiV3Key: string,
  associatedData: string,
  originalType: string,
): EncryptedResource {
  const iv = randomBytes(6).toString('hex'); // 12 ASCII characters, as WeChat Pay sends
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(iv, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: encrypted.toString('base64'),
    associated_data: associatedData,
    nonce: iv,
    original_type: originalType,
  };
}

/** Throws when the ciphertext, nonce or associated data were tampered with (GCM authentication). */
export function decryptResource(
  resource: { ciphertext: string; associated_data?: string; nonce: string },
  apiV3Key: string,
): string {
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** The `Authorization` header of a merchant request. */
export function merchantAuthorization(input: {
  method: string;
  pathWithQuery: string;
  body: string;
  mchid: string;
  serialNo: string;
  privateKey: KeyObject;
  timestamp?: number;
  nonceStr?: string;
}): string {
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonceStr = input.nonceStr ?? nonce();
  const signature = rsaSign(
    signatureMessage(input.method.toUpperCase(), input.pathWithQuery, timestamp, nonceStr, input.body),
    input.privateKey,
  );
  return `WECHATPAY2-SHA256-RSA2048 mchid="${input.mchid}",nonce_str="${nonceStr}",signature="${signature}",timestamp="${timestamp}",serial_no="${input.serialNo}"`;
}

export function parseAuthorization(header: string): Record<string, string> | undefined {
  const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header);
  if (!match) return undefined;
  const fields: Record<string, string> = {};
  for (const part of match[1]!.matchAll(/(\w+)="([^"]*)"/g)) fields[part[1]!] = part[2]!;
  return fields;
}

/** Headers WeChat Pay signs its answers and notifications with. */
export function platformSignatureHeaders(
  body: string,
  privateKey: KeyObject,
  serial: string,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const nonceStr = nonce();
  return {
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonceStr,
    'Wechatpay-Signature': rsaSign(signatureMessage(String(timestamp), nonceStr, body), privateKey),
    'Wechatpay-Serial': serial,
  };
}
