// Placeholder SPA: proves the assets binding serves the UI and the Worker answers /api/*.
const statusEl = document.querySelector<HTMLParagraphElement>("#api-status");

function show(text: string, ok: boolean): void {
  if (!statusEl) return;
  statusEl.textContent = text;
  statusEl.dataset.ok = String(ok);
}

async function checkApi(): Promise<void> {
  try {
    const res = await fetch("/api/v3/status/", { headers: { Accept: "application/json" } });
    if (res.ok) {
      show("API: OK", true);
    } else {
      const body = (await res.text()).slice(0, 200);
      show(`API: error ${res.status} ${res.statusText}${body ? ` — ${body}` : ""}`, false);
    }
  } catch (err) {
    show(`API: error — ${err instanceof Error ? err.message : String(err)}`, false);
  }
}

void checkApi();
