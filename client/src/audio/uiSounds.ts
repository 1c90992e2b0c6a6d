/**
 * Interface sounds, synthesized with Web Audio (no files): a soft tick on hover, a firm click on action, a rising
 * two-note chime on success and a low muted thud on failure. Silent until `unlock()` runs inside a user gesture
 * (browsers refuse audio before one), so nothing plays on page load.
 */
export interface UiSounds {
  readonly unlocked: boolean;
  unlock(): void;
  hover(): void;
  press(): void;
  success(): void;
  failure(): void;
  /** 0 mutes. */
  setVolume(volume: number): void;
  readonly volume: number;
}

/** The part of AudioContext the synth uses, so a test can count what would be played. */
export type AudioContextLike = Pick<AudioContext, "currentTime" | "destination" | "state" | "resume" | "createGain" | "createOscillator" | "createBiquadFilter">;

export function createUiSounds(options: { volume: number; createContext: () => AudioContextLike | null }): UiSounds {
  let context: AudioContextLike | null = null;
  let master: GainNode | null = null;
  let volume = Math.max(0, Math.min(1, options.volume));

  const tone = (freq: number, endFreq: number, start: number, duration: number, level: number, type: OscillatorType, lowpass?: number) => {
    if (!context || !master || volume === 0) return;
    const t0 = context.currentTime + start;
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.type = type;
    osc.frequency.setValueAtTime(freq, t0);
    osc.frequency.exponentialRampToValueAtTime(endFreq, t0 + duration);
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(level, t0 + 0.006);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + duration);
    if (lowpass) {
      const filter = context.createBiquadFilter();
      filter.type = "lowpass";
      filter.frequency.value = lowpass;
      osc.connect(filter).connect(gain);
    } else {
      osc.connect(gain);
    }
    gain.connect(master);
    osc.start(t0);
    osc.stop(t0 + duration + 0.02);
  };

  return {
    get unlocked() {
      return context !== null;
    },
    get volume() {
      return volume;
    },
    unlock() {
      if (context) {
        if (context.state === "suspended") void context.resume();
        return;
      }
      context = options.createContext();
      if (!context) return;
      master = context.createGain();
      master.gain.value = volume;
      master.connect(context.destination);
      if (context.state === "suspended") void context.resume();
    },
    hover: () => tone(2400, 1800, 0, 0.025, 0.05, "sine"),
    press: () => {
      tone(1900, 520, 0, 0.045, 0.35, "square", 2600);
      tone(160, 90, 0, 0.07, 0.3, "sine");
    },
    success: () => {
      tone(660, 660, 0, 0.12, 0.22, "sine");
      tone(990, 990, 0.1, 0.22, 0.22, "sine");
    },
    failure: () => tone(150, 70, 0, 0.26, 0.45, "sine", 500),
    setVolume(next) {
      volume = Math.max(0, Math.min(1, next));
      if (master) master.gain.value = volume;
    },
  };
}

/** The browser's AudioContext, or null where there is none. */
export function browserAudioContext(): AudioContextLike | null {
  const Ctor = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  return Ctor ? new Ctor() : null;
}
