/** Telling a PostgreSQL store URL from a SQLite path, and showing it without its password. */
/** True when the store location is a PostgreSQL connection URL rather than a SQLite path. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** Returns the URL with its password (if any) replaced by `***`, for messages and `Store.location`. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // not parseable: show only the scheme, since anything after it may hold the password
    return `${url.split('://')[0] ?? 'postgres'}://***`;
  }
}
