// The slug the Add Check dialog offers for a name: Django's slugify, as src/api/apply-spec.ts applies
// it for API v1/v2 (that module's types reach the Worker's bindings, so the browser cannot import it).
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
