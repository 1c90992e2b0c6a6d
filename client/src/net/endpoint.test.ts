import { describe, expect, it } from "vitest";
import { resolveEndpoint } from "./endpoint.ts";

describe("resolveEndpoint", () => {
  it("uses the page's origin by default", () => {
    expect(resolveEndpoint("http://127.0.0.1:2567/")).toEqual({ wsUrl: "ws://127.0.0.1:2567", httpUrl: "http://127.0.0.1:2567" });
    expect(resolveEndpoint("https://dc.example.org/hall?x=1")).toEqual({ wsUrl: "wss://dc.example.org", httpUrl: "https://dc.example.org" });
  });

  it("honours ?server= and refuses anything but ws(s) URLs", () => {
    expect(resolveEndpoint("http://localhost:5173/?server=ws://10.0.0.5:2567")).toEqual({ wsUrl: "ws://10.0.0.5:2567", httpUrl: "http://10.0.0.5:2567" });
    expect(() => resolveEndpoint("http://localhost:5173/?server=http://x")).toThrow(/ws:\/\//);
    expect(() => resolveEndpoint("http://localhost:5173/?server=nonsense")).toThrow(/ws:\/\//);
  });
});
