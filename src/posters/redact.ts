/** Keeps TMDB credentials out of log lines: the v3 key travels in the query string, so URLs must be cleaned. */

const HIDDEN = '***';
const SECRET_QUERY_PARAMS = ['api_key', 'access_token', 'session_id'];

/** The URL with any credential-bearing query parameter replaced by `***`. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return String(url).replace(/(api_key|access_token|session_id)=[^&#\s]*/gi, `$1=${HIDDEN}`);
  }
  for (const name of SECRET_QUERY_PARAMS) {
    if (parsed.searchParams.has(name)) parsed.searchParams.set(name, HIDDEN);
  }
  // URLSearchParams percent-encodes the asterisks; show them plainly.
  return parsed.toString().replaceAll('%2A%2A%2A', HIDDEN);
}

/** Free text (error messages, response bodies) with every occurrence of the given secrets replaced. */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret) clean = clean.split(secret).join(HIDDEN);
  }
  return clean;
}
