import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const fromRoot = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const serverPort = process.env.PORT ?? "2567";

export default defineConfig({
  root: "client",
  publicDir: fromRoot("assets"),
  build: {
    outDir: fromRoot("dist-client"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 4096,
    rolldownOptions: { input: { main: fromRoot("client/index.html") } },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": `http://127.0.0.1:${serverPort}`,
      "/healthz": `http://127.0.0.1:${serverPort}`,
      "/matchmake": { target: `http://127.0.0.1:${serverPort}` },
      "/ws": { target: `ws://127.0.0.1:${serverPort}`, ws: true },
      // Colyseus opens each room's WebSocket at /<processId>/<roomId>?sessionId=…; module URLs never match.
      "^/[\\w-]+/[\\w-]+\\?": { target: `http://127.0.0.1:${serverPort}`, ws: true },
    },
  },
});
