/**
 * Keeping secrets (passwords, tokens) out of every message and log line. Configuration knows which values
 * are secret; these helpers take them out of URLs and replace them wherever they would be printed.
 */

const MASK = '***';

/** A URL's user and password taken out of it (percent-decoded), so the URL itself can be shown. */
export function splitUrlCredentials(url: string): { url: string; user?: string; password?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === '' && parsed.password === '') return { url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return {
    url: parsed.href.replace(/\/$/, url.endsWith('/') ? '/' : ''),
    ...(user === '' ? {} : { user }),
    ...(password === '' ? {} : { password }),
  };
}

/**
 * `text` with every secret replaced by `***`, also where it appears JSON-escaped (a log line) or
 * percent-encoded (a URL).
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
    for (const form of forms) out = out.split(form).join(MASK);
  }
  return out;
}
