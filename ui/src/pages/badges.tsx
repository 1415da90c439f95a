// Placeholder until the page lands.
export function BadgesPage() {
  return null;
}
