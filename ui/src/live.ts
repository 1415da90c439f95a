// Live updates of a project's pages (placeholder until the project's object pushes them).
export function useLiveProject(id: string): { connected: boolean } {
  void id;
  return { connected: false };
}
