// Placeholder until the page lands.
export function ChecksPage() {
  return null;
}
