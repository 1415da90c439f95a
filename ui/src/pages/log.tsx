// Placeholder until the page lands.
export function LogPage() {
  return null;
}
