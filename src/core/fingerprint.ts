import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { normalizeBody } from './frontmatter';

/** Full sha256 hex of a string: content keys for caches and the journal. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/**
 * The sign-off fingerprint (DESIGN §1): `sha256:` + 12 hex of the distillate's normalized body,
 * so a change of line endings or trailing spaces does not make a sign-off stale, but any real
 * edit does.
 */
export function bodyFingerprint(body: string): string {
  return `sha256:${sha256Hex(normalizeBody(body)).slice(0, 12)}`;
}
