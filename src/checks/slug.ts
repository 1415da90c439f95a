// Django's slugify, pure: the API v1/v2 rule for a slug from a name (src/api/apply-spec.ts), and the
// slug the Add Check dialog offers.
/** Django's slugify: ASCII-fold, drop what is not a word char, space or dash, dash-join, lowercase. */
export function slugify(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[^\x00-\x7f]/g, "")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
}
