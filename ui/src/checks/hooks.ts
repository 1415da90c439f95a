// The checks page's effects on the world outside it: a shared clock for "3 minutes ago", the tab's
// title and icon while something is down, and the page's single-key shortcuts.
import { useEffect, useRef, useSyncExternalStore } from "react";

// One timer for every cell that shows a relative time (a thousand rows, one interval).
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 15_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The time, moving on every 15 seconds. */
export const useNow = () => useSyncExternalStore(subscribe, () => now);

const RED_ICON =
  "data:image/svg+xml," +
  encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#d0312d"/><path d="M5 5l6 6M11 5l-6 6" stroke="#fff" stroke-width="2"/></svg>');

/**
 * While `down` > 0: the title says "<N> down – edgechecks" and the tab's icon turns red; both come
 * back when nothing is down any more or the page is left. Runs after the Page's own title effect.
 */
export function useDownSignals(down: number, pageTitle: string) {
  useEffect(() => {
    if (down === 0) return;
    const title = document.title;
    document.title = `${down} down – edgechecks`;
    let link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
    const made = link === null;
    const href = link?.getAttribute("href") ?? null;
    if (link === null) {
      link = document.createElement("link");
      link.rel = "icon";
      document.head.append(link);
    }
    link.href = RED_ICON;
    return () => {
      document.title = title;
      if (made) link.remove();
      else if (href !== null) link.setAttribute("href", href);
    };
  }, [down, pageTitle]);
}

/** Single keys for the page, ignored while typing in a field, with a modifier, or under an open dialog. */
export function useShortcuts(keys: Record<string, (() => void) | undefined>) {
  const current = useRef(keys);
  useEffect(() => {
    current.current = keys;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      const target = e.target instanceof Element ? e.target : null;
      if (target?.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])")) return;
      if (document.querySelector("dialog[open]")) return;
      const run = current.current[e.key];
      if (run === undefined) return;
      e.preventDefault();
      run();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
