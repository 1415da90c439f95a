// Placeholder until the page lands.
export function IntegrationsPage() {
  return null;
}
