/**
 * The request target in the one form the proxy routes and forwards (issue 9): whatever spelling a client uses, the
 * path the route table sees is the path the upstream receives, so nothing reaches a module without that module's
 * routing decision. The upstreams (Express) collapse `//` (http-proxy joins them), ignore the fragment and match
 * case-insensitively (route-table.ts folds case); this resolves the rest once, RFC 3986 §6.2.2 style:
 *
 * - absolute-form `http://host/p?q` → `/p?q`; authority-form (`host:443`), `*` and anything else → rejected;
 * - `%XX` of an unreserved character is decoded (`%2e` → `.`, `%75` → `u`), other escapes keep their bytes
 *   (hex upper-cased); an escaped `/` or `\`, a malformed escape → rejected;
 * - empty segments collapse, `.` segments go, `..` removes the segment before it (above the root → rejected);
 * - a backslash or a `;` (path parameters, which some servers strip) in the path → rejected.
 *
 * The query is kept as sent; a fragment is dropped. `undefined` means: answer 400, forward nothing.
 * @example normalizeTarget("//API/Users/./1?x=%2F") // → "/API/Users/1?x=%2F" (route-table matches it to /api/users)
 */
export function normalizeTarget(target: string): string | undefined {
  let start = 0;
  if (target.charCodeAt(0) !== SLASH) {
    start = absoluteFormPathStart(target);
    if (start < 0) return undefined;
  }
  let end = start;
  let plain = true;
  for (; end < target.length; end++) {
    const c = target.charCodeAt(end);
    if (c === QUERY || c === HASH) break;
    if (c === PERCENT || c === BACKSLASH || c === SEMICOLON || (c === SLASH && (target.charCodeAt(end + 1) === SLASH || target.charCodeAt(end + 1) === DOT))) plain = false;
  }
  const hash = target.indexOf("#", end);
  if (plain && start === 0) return hash < 0 ? target : target.slice(0, hash); // the common case: nothing allocated
  const query = hash < 0 ? target.slice(end) : target.slice(end, hash);
  if (plain) return (end === start ? "/" : target.slice(start, end)) + query;
  const path = resolvePath(target.slice(start, end));
  return path === undefined ? undefined : path + query;
}

const SLASH = 47;
const BACKSLASH = 92;
const DOT = 46;
const PERCENT = 37;
const SEMICOLON = 59;
const QUERY = 63;
const HASH = 35;
const ABSOLUTE = /^https?:\/\/[^/?#\s]+/i;

/**
 * The authority of an absolute-form target (`http://shop.example:8000/x` → `shop.example:8000`), undefined for any
 * other form. RFC 9112 §3.2.2: it replaces the Host header (which the upstream then sees as X-Forwarded-Host).
 */
export function absoluteFormAuthority(target: string): string | undefined {
  if (target.charCodeAt(0) === SLASH) return undefined;
  const m = ABSOLUTE.exec(target);
  return m === null ? undefined : m[0].slice(m[0].indexOf("//") + 2);
}

/** Where the path of an absolute-form target starts (its end when it has none), or -1 for any other form. */
function absoluteFormPathStart(target: string): number {
  const m = ABSOLUTE.exec(target);
  return m === null ? -1 : m[0].length;
}

/** RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~" — the only escapes that mean the same decoded. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function decodeUnreserved(path: string): string | undefined {
  if (!path.includes("%")) return path;
  let out = "";
  let from = 0;
  for (let at = path.indexOf("%"); at >= 0; at = path.indexOf("%", from)) {
    const hex = path.slice(at + 1, at + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    const char = String.fromCharCode(parseInt(hex, 16));
    if (char === "/" || char === "\\") return undefined; // a slash the route table would not see as one
    out += path.slice(from, at) + (UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`);
    from = at + 3;
  }
  return out + path.slice(from);
}

function resolvePath(raw: string): string | undefined {
  if (raw.includes("\\") || raw.includes(";")) return undefined;
  const decoded = decodeUnreserved(raw);
  if (decoded === undefined) return undefined;
  const segments: string[] = [];
  const parts = decoded.split("/");
  let trailing = false;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    trailing = part === "" || part === "." || part === "..";
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (segments.pop() === undefined) return undefined; // climbs above the root
      continue;
    }
    segments.push(part);
  }
  return `/${segments.join("/")}${trailing && segments.length > 0 ? "/" : ""}`;
}
