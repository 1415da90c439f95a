// Small pieces several routes share.

/** A lowercase, dashed UUID, as Healthchecks' URL converter accepts it (for embedding in route patterns). */
export const UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
export const UUID_RE = new RegExp(`^${UUID_PATTERN}$`);

/** Django's never_cache headers, as Healthchecks sends them on pings and badges. */
export function neverCacheHeaders(): Record<string, string> {
  return {
    "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
    Expires: new Date().toUTCString(),
  };
}
