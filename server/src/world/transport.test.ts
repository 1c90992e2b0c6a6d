import { describe, expect, it } from "vitest";
import { createTransport } from "./transport.ts";

describe("createTransport", () => {
  it("gives the ws transport by default", async () => {
    const transport = await createTransport("ws");
    expect(transport.constructor.name).toBe("WebSocketTransport");
  });

  it("explains what uWebSockets.js needs when it cannot load here", async () => {
    await expect(createTransport("uws")).rejects.toThrow(/TRANSPORT=uws needs @colyseus\/uwebsockets-transport.*glibc 2\.38.*TRANSPORT=ws/s);
  });
});
