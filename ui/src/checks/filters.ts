// The checks list's filters as they live in the query string (tags, status, search text).
export interface ChecksSearch {
  tag?: string[];
  status?: string;
  q?: string;
}

/** The router's validateSearch for /projects/$id: unknown or malformed values are dropped. */
export function checksSearch(search: Record<string, unknown>): ChecksSearch {
  void search;
  return {};
}
