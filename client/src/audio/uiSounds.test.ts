import { describe, expect, it } from "vitest";
import { createUiSounds, type AudioContextLike } from "./uiSounds.ts";

/** Counts the oscillators a cue would start; Node has no Web Audio, so this stands in for the browser's. */
function countingContext() {
  const started: number[] = [];
  const param = () => ({ value: 0, setValueAtTime() {}, exponentialRampToValueAtTime() {} });
  const node = () => ({ connect: (n: unknown) => n ?? node(), gain: param(), frequency: param(), type: "" });
  const context = {
    currentTime: 0,
    destination: {},
    state: "running",
    resume: async () => undefined,
    createGain: () => node(),
    createBiquadFilter: () => node(),
    createOscillator: () => ({ ...node(), start: (t: number) => started.push(t), stop() {} }),
  };
  return { context: context as unknown as AudioContextLike, started };
}

describe("createUiSounds", () => {
  it("stays silent, without even creating an audio context, until unlocked by a gesture", () => {
    const fake = countingContext();
    let created = 0;
    const sounds = createUiSounds({ volume: 0.5, createContext: () => (created++, fake.context) });
    sounds.press();
    expect(created).toBe(0);
    expect(sounds.unlocked).toBe(false);
    sounds.unlock();
    sounds.press();
    sounds.success();
    expect(created).toBe(1);
    expect(fake.started.length).toBe(4);
  });

  it("plays nothing when muted", () => {
    const fake = countingContext();
    const sounds = createUiSounds({ volume: 0.5, createContext: () => fake.context });
    sounds.unlock();
    sounds.setVolume(0);
    sounds.failure();
    expect(fake.started.length).toBe(0);
  });
});
