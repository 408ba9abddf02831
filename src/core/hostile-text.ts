/**
 * Text from the outside (a model's answer, a server's error) is hostile: it may carry control
 * characters that make a note "not a text file" or repaint a terminal, and it may echo the API
 * key it was sent. These make such text safe to keep; pure, so every shell cleans it the same way.
 */

// ANSI escape sequences whole (CSI `ESC [ … final`, OSC `ESC ] … BEL|ST`, and two-byte ones), so
// no "[31m" is left behind once the ESC is gone.
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[ -~]?)|\u009b[0-?]*[ -/]*[@-~]?/g;
// C0 controls but tab and newline, DEL, and C1 controls.
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

// Half a surrogate pair cannot be written as UTF-8: the file would hold U+FFFD and no longer
// hash to what the journal recorded.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The text without control characters: tab and newline stay, CR LF becomes LF, the rest goes;
 * a lone surrogate becomes U+FFFD, as it would on disk.
 */
export function stripControlChars(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this matches
  if (!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff]/.test(text)) return text;
  return text.replace(/\r\n/g, '\n').replace(ANSI, '').replace(CONTROL, '').replace(LONE_SURROGATE, '\ufffd');
}

export const REDACTED_KEY = '[API key]';

/**
 * Shortest run of a key's start that counts as the key: long enough that ordinary words never
 * match, short enough that a server that echoes a cut key (`sk-proj-abcd…`) still loses it.
 */
export const MIN_SECRET_PREFIX = 8;

/**
 * The text with every copy of the secret, and every run of at least its first 8 characters,
 * replaced by "[API key]". A secret shorter than 8 characters is redacted whole (from 4 on).
 */
export function redactSecret(text: string, secret: string): string {
  const key = secret.trim();
  if (key.length < 4) return text;
  const head = key.slice(0, Math.min(MIN_SECRET_PREFIX, key.length));
  let at = text.indexOf(head);
  if (at < 0) return text;
  let out = '';
  let from = 0;
  while (at >= 0) {
    let n = head.length;
    while (n < key.length && at + n < text.length && text[at + n] === key[n]) n++;
    out += text.slice(from, at) + REDACTED_KEY;
    from = at + n;
    at = text.indexOf(head, from);
  }
  return out + text.slice(from);
}

/** Both at once: what every piece of a model's answer goes through before it is used or stored. */
export function cleanModelText(text: string, apiKey: string): string {
  return redactSecret(stripControlChars(text), apiKey);
}
