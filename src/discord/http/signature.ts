/**
 * Discord signs every request to the Interactions Endpoint URL with the application's Ed25519 key: the
 * signature (hex, header `X-Signature-Ed25519`) covers the timestamp (header `X-Signature-Timestamp`,
 * Unix seconds) followed by the raw body. node:crypto verifies it; no third-party crypto is needed.
 */
import type { KeyObject } from 'node:crypto';
import { createPublicKey, verify } from 'node:crypto';

// DER SubjectPublicKeyInfo for Ed25519 (RFC 8410) is this fixed header followed by the 32 key bytes:
// SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33 bytes) }.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The public key the Developer Portal shows (64 hex digits) as a key node:crypto verifies with. */
export function ed25519PublicKey(hex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('an Ed25519 public key is 64 hex digits');
  return createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
}

/** Requests older (or further in the future) than this are refused, so a captured one cannot be replayed later. */
export const MAX_SIGNATURE_AGE_MS = 5 * 60_000;

export type SignatureVerdict =
  { ok: true } | { ok: false; reason: 'malformed signature' | 'stale timestamp' | 'bad signature' };

export function checkSignature(input: {
  key: KeyObject;
  signature: string;
  timestamp: string;
  body: Uint8Array;
  nowMs: number;
  maxAgeMs?: number;
}): SignatureVerdict {
  const { signature, timestamp } = input;
  // An Ed25519 signature is 64 bytes; the timestamp is whole seconds.
  if (!/^[0-9a-fA-F]{128}$/.test(signature) || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'malformed signature' };
  if (Math.abs(input.nowMs - Number(timestamp) * 1000) > (input.maxAgeMs ?? MAX_SIGNATURE_AGE_MS))
    return { ok: false, reason: 'stale timestamp' };
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), input.body]);
  const good = verify(null, signed, input.key, Buffer.from(signature, 'hex'));
  return good ? { ok: true } : { ok: false, reason: 'bad signature' };
}
