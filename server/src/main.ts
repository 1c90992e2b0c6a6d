import { ConfigError, loadConfig } from "./config.ts";
import { startServer } from "./app.ts";
import { createLogger } from "./log.ts";

try {
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  const server = await startServer(config, log);
  log.info(
    { url: server.url, database: config.database.kind, demo: Boolean(config.demo) },
    config.demo ? "Proximity demo is running on a simulated cluster" : "Proximity is running",
  );
  console.log(`\n  Proximity is ready: open ${server.url}\n`);
  if (config.demoSignIn) console.log("  Demo mode: visitors are signed in as the demo admin.\n");
  if (server.setupUrl) console.log(`  No account exists yet. Create the first admin (link valid for 1 hour):\n  ${server.setupUrl}\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    void server.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error("Proximity failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
}
