/**
 * GitHub logins and team names as the roster files and the advisory API spell them.
 *
 * GitHub compares logins case-insensitively (`SteveLasker` and `stevelasker` are one account), so
 * every comparison goes through `loginKey`; the spelling first seen is kept for display.
 */

/** A GitHub login: alphanumerics and single inner hyphens, 1 to 39 characters. */
export const GITHUB_HANDLE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** A team slug as used after `org/` in CODEOWNERS and in `collaborating_teams`. */
export const TEAM_SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** True when `login` (without a leading `@`) is a well-formed GitHub login. */
export function isValidHandle(login: string): boolean {
  return GITHUB_HANDLE.test(login);
}

/** The comparison key of a login: without a leading `@`, trimmed, lower case. */
export function loginKey(login: string): string {
  return login.trim().replace(/^@/, "").toLowerCase();
}

/** Whether two logins name the same GitHub account (case-insensitive, a leading `@` ignored). */
export function sameLogin(a: string, b: string): boolean {
  return loginKey(a) === loginKey(b);
}

/** A login as displayed: trimmed and without a leading `@`, original casing kept. */
export function displayLogin(login: string): string {
  return login.trim().replace(/^@/, "");
}

/** Logins without duplicates (case-insensitive), the first spelling kept, order of appearance kept. */
export function uniqueLogins(logins: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const login of logins) {
    const key = loginKey(login);
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(displayLogin(login));
  }
  return out;
}

/** A set of lower-cased login keys. */
export function loginKeys(logins: Iterable<string>): Set<string> {
  const keys = new Set<string>();
  for (const login of logins) {
    const key = loginKey(login);
    if (key !== "") keys.add(key);
  }
  return keys;
}

/** Deterministic order for logins and slugs: by key, then by spelling (independent of the locale). */
export function compareLogins(a: string, b: string): number {
  const ka = loginKey(a);
  const kb = loginKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
