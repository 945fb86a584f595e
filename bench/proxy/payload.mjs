/**
 * The bodies both backends serve, built the same way in Node and in Python
 * (bench/proxy/backend-fastapi.py mirrors `items()`), so direct, Vite and ours move the same
 * bytes: a 1 KB JSON document as an API would return it, and 1 MiB of opaque bytes.
 */

/** Exactly 1,024 bytes of compact JSON: `{"items":[{"id":0,"name":"item-0000","done":true},…],"pad":"…"}`. */
export const JSON_BYTES = 1024;
/** 1 MiB. */
export const BIG_BYTES = 1024 * 1024;

/** The document behind `/…/items`: 18 items plus a pad field that brings the text to 1,024 bytes. */
export function items() {
  const doc = { items: Array.from({ length: 18 }, (_, i) => ({ id: i, name: `item-${String(i).padStart(4, "0")}`, done: i % 2 === 0 })), pad: "" };
  doc.pad = "x".repeat(JSON_BYTES - JSON.stringify(doc).length);
  return doc;
}

/** The bytes behind `/…/big`: a repeating printable pattern (not zeros, so nothing can special-case it). */
export function big() {
  const out = Buffer.alloc(BIG_BYTES);
  for (let i = 0; i < BIG_BYTES; i++) out[i] = 97 + (i % 26);
  return out;
}
