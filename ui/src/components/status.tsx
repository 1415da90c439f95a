// A check's status as an icon with a distinct shape per status and Healthchecks' tooltip; the text is
// there for screen readers too, so colour is never the only signal.
export type CheckStatus = "new" | "up" | "grace" | "down" | "paused" | "started";

export const STATUS_TEXT: Record<string, string> = {
  new: "New. Has never received a ping.",
  up: "Up",
  grace: "Late",
  down: "Down",
  paused: "Monitoring paused. Ping to resume.",
};

/** One word per status, for labels and filters ("Late" for grace, as Healthchecks says it). */
export const STATUS_WORD: Record<string, string> = { new: "New", up: "Up", grace: "Late", down: "Down", paused: "Paused", started: "Started" };

const GLYPH: Record<string, string> = { new: "○", up: "✓", grace: "!", down: "✕", paused: "‖" };

export function StatusIcon({ status, started = false }: { status: string; started?: boolean }) {
  const text = `${STATUS_TEXT[status] ?? status}${started ? " Started, running now." : ""}`;
  return (
    <span className={`status status-${status}${started ? " started" : ""}`} title={text} role="img" aria-label={text}>
      <span aria-hidden="true">{GLYPH[status] ?? "?"}</span>
    </span>
  );
}
