// Placeholder until the page lands.
export function CheckPage() {
  return null;
}
