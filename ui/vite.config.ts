import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Run from the repo root as `vite build ui`; output goes to ui/dist (wrangler.toml's [assets]).
const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  // The Worker's pure modules (the schedule engine, the downtime summary, request schemas) run in the
  // browser as they are: one implementation, no drift. Nothing importing bindings may come through here.
  resolve: { alias: { "@src": path.join(here, "..", "src") } },
  build: {
    outDir: path.join(here, "dist"),
    emptyOutDir: true,
  },
});
