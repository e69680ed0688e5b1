import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Two pages, served by the binary from its embedded copy of dist/: the dashboard at
// /playground and GraphiQL at /graphiql. Assets live under /playground/assets/.
export default defineConfig({
  base: "/playground/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Nothing inlined as data: URLs beyond small images; no source maps in the binary.
    sourcemap: false,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, "index.html"),
        graphiql: resolve(import.meta.dirname, "graphiql.html"),
      },
    },
  },
});
