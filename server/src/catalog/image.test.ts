import { describe, expect, it } from "vitest";
import { parseImageReference } from "./image.ts";

describe("parseImageReference", () => {
  it.each([
    ["postgres:16.6", "docker.io/library/postgres:16.6"],
    ["prom/prometheus:v2.55.1", "docker.io/prom/prometheus:v2.55.1"],
    ["ghcr.io/home-assistant/home-assistant:2024.12.5", "ghcr.io/home-assistant/home-assistant:2024.12.5"],
    ["localhost/app:1", "localhost/app:1"],
    ["registry.example.com:5000/a/b/c:1.0-rc1", "registry.example.com:5000/a/b/c:1.0-rc1"],
    [`redis:7.4.1@sha256:${"a".repeat(64)}`, `docker.io/library/redis:7.4.1@sha256:${"a".repeat(64)}`],
  ])("normalises %s", (raw, reference) => {
    expect(parseImageReference(raw)).toEqual({ ok: true, reference });
  });

  it.each([
    ["nginx", /no tag/],
    ["nginx:latest", /floating tag "latest"/],
    ["ghcr.io/x/y:Stable", /floating tag "Stable"/],
    ["nginx:latest-alpine", /floating tag/],
    [`nginx@sha256:${"b".repeat(64)}`, /no tag/],
    ["nginx:1.27@sha256:short", /malformed digest/],
    ["Nginx:1.27", /not a valid image name/],
    ["nginx:-bad", /malformed tag/],
    ["", /no tag/],
  ])("refuses %s", (raw, message) => {
    const parsed = parseImageReference(raw);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.message).toMatch(message);
  });
});
