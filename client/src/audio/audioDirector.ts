import { Howler } from "howler";
import type { Vec3 } from "../scene/layout.ts";
import type { Alarm, RackHum } from "./soundscape.ts";
import { toAudioSpace } from "./soundscape.ts";
import { createUiSounds, type UiSounds } from "./uiSounds.ts";

/** One-shot sounds: interface feedback (heard as from the listener) and events placed in the hall. */
export type Cue = "hover" | "press" | "success" | "failure" | "chime" | "ping";

/**
 * Every sound of the hall behind one small interface. Sounds are synthesized with Web Audio at run time (no files);
 * howler is the mixer: its master gain carries the master volume and mute, and its listener follows the camera, so
 * positional sounds come from where they happen. Silent until `unlock()` runs inside a user gesture.
 */
export interface AudioDirector {
  readonly volume: number;
  readonly muted: boolean;
  /** Interface sounds for code that only needs those (the command runner). */
  readonly ui: UiSounds;
  unlock(): void;
  setListener(position: Vec3, forward: Vec3): void;
  cue(name: Cue, at?: Vec3): void;
  /** The room tone: one hum per rack, kept in step with the racks' load. */
  setHums(hums: readonly RackHum[]): void;
  /** The alarms sounding now; an alarm no longer listed stops. */
  setAlarms(alarms: readonly Alarm[]): void;
  setMasterVolume(volume: number): void;
  setMuted(muted: boolean): void;
}

/** Where a positional source fades: full level within 2 m, falling with distance, still faintly audible across the hall. */
const PANNER: PannerOptions = { panningModel: "HRTF", distanceModel: "inverse", refDistance: 2, rolloffFactor: 1.1, maxDistance: 80 };
/** The two alarm tones (Hz) and how fast it alternates and pulses: urgent, but a sine through a lowpass, never harsh. */
const ALARM = { low: 660, high: 880, alternateHz: 2, level: 0.22 } as const;
/** A one-shot cue has rung out by then; its panner is let go. */
const CUE_TAIL_MS = 1500;
/** Parameter changes glide over this long (s), so a changing load never clicks. */
const GLIDE_S = 0.4;

interface Voice {
  stop(): void;
}

interface HumVoice extends Voice {
  set(hum: RackHum): void;
}

export function createAudioDirector(settings: { volume: number; muted: boolean }): AudioDirector {
  let volume = clamp01(settings.volume);
  let muted = settings.muted;
  let context: AudioContext | null = null;
  const hums = new Map<string, HumVoice>();
  const alarms = new Map<string, Voice>();
  const ui = createUiSounds({ volume: muted ? 0 : volume, createContext: () => context });

  const output = (): AudioNode | null => (context && Howler.masterGain ? Howler.masterGain : null);

  const panner = (at: Vec3): PannerNode => {
    const node = new PannerNode(context!, PANNER);
    const [x, y, z] = toAudioSpace(at);
    node.positionX.value = x;
    node.positionY.value = y;
    node.positionZ.value = z;
    node.connect(output()!);
    return node;
  };

  const note = (destination: AudioNode, frequency: number, start: number, duration: number, level: number) => {
    const ctx = context!;
    const t0 = ctx.currentTime + start;
    const osc = new OscillatorNode(ctx, { type: "sine", frequency });
    const gain = new GainNode(ctx, { gain: 0.0001 });
    gain.gain.exponentialRampToValueAtTime(level, t0 + 0.012);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + duration);
    osc.connect(gain).connect(destination);
    osc.start(t0);
    osc.stop(t0 + duration + 0.05);
  };

  const humVoice = (hum: RackHum): HumVoice => {
    const ctx = context!;
    const out = panner(hum.position);
    const level = new GainNode(ctx, { gain: hum.gain });
    const filter = new BiquadFilterNode(ctx, { type: "lowpass", frequency: 240, Q: 0.7 });
    // A fundamental and a slightly detuned octave: the slow beating between them is the "living machine" texture.
    const base = new OscillatorNode(ctx, { type: "triangle", frequency: hum.frequency });
    const octave = new OscillatorNode(ctx, { type: "sine", frequency: hum.frequency * 2.01 });
    const octaveLevel = new GainNode(ctx, { gain: 0.35 });
    base.connect(filter);
    octave.connect(octaveLevel).connect(filter);
    filter.connect(level).connect(out);
    base.start();
    octave.start();
    return {
      set(next) {
        const t = ctx.currentTime;
        base.frequency.setTargetAtTime(next.frequency, t, GLIDE_S);
        octave.frequency.setTargetAtTime(next.frequency * 2.01, t, GLIDE_S);
        level.gain.setTargetAtTime(next.gain, t, GLIDE_S);
      },
      stop() {
        level.gain.setTargetAtTime(0, ctx.currentTime, 0.1);
        base.stop(ctx.currentTime + 0.5);
        octave.stop(ctx.currentTime + 0.5);
        setTimeout(() => out.disconnect(), 600);
      },
    };
  };

  const alarmVoice = (alarm: Alarm): Voice => {
    const ctx = context!;
    const out = panner(alarm.position);
    // Two square LFOs: one flips the pitch between the two tones, one gates the level, at the blink rhythm of ART.md.
    const tone = new OscillatorNode(ctx, { type: "sine", frequency: (ALARM.low + ALARM.high) / 2 });
    const pitchLfo = new OscillatorNode(ctx, { type: "square", frequency: ALARM.alternateHz / 2 });
    const pitchDepth = new GainNode(ctx, { gain: (ALARM.high - ALARM.low) / 2 });
    pitchLfo.connect(pitchDepth).connect(tone.frequency);
    const gate = new GainNode(ctx, { gain: ALARM.level / 2 });
    const gateLfo = new OscillatorNode(ctx, { type: "square", frequency: ALARM.alternateHz });
    const gateDepth = new GainNode(ctx, { gain: ALARM.level / 2 });
    gateLfo.connect(gateDepth).connect(gate.gain);
    const soften = new BiquadFilterNode(ctx, { type: "lowpass", frequency: 1800 });
    tone.connect(soften).connect(gate).connect(out);
    for (const osc of [tone, pitchLfo, gateLfo]) osc.start();
    return {
      stop() {
        gate.disconnect();
        for (const osc of [tone, pitchLfo, gateLfo]) osc.stop();
        out.disconnect();
      },
    };
  };

  const applyLevel = () => {
    ui.setVolume(muted ? 0 : volume);
    if (!context) return;
    Howler.volume(volume);
    Howler.mute(muted);
  };

  return {
    get volume() {
      return volume;
    },
    get muted() {
      return muted;
    },
    ui,
    unlock() {
      if (!context) {
        Howler.volume(volume);
        context = Howler.ctx ?? null;
        if (!context) return;
        Howler.mute(muted);
      }
      if (context.state === "suspended") void context.resume();
      ui.unlock();
    },
    setListener(position, forward) {
      if (!context) return;
      const [x, y, z] = toAudioSpace(position);
      const [fx, fy, fz] = toAudioSpace(forward);
      Howler.pos(x, y, z);
      Howler.orientation(fx, fy, fz, 0, 1, 0);
    },
    cue(name, at) {
      if (name === "hover" || name === "press" || name === "success" || name === "failure") {
        ui[name]();
        return;
      }
      if (!context || !output()) return;
      const placed = at ? panner(at) : null;
      const destination = placed ?? output()!;
      if (name === "chime") {
        note(destination, 1046.5, 0, 0.5, 0.12);
        note(destination, 1568, 0.09, 0.7, 0.09);
      } else {
        note(destination, 1760, 0, 0.12, 0.2);
        note(destination, 2637, 0.06, 0.25, 0.14);
      }
      if (placed) setTimeout(() => placed.disconnect(), CUE_TAIL_MS);
    },
    setHums(next) {
      if (!context || !output()) return;
      const seen = new Set<string>();
      for (const hum of next) {
        seen.add(hum.rackId);
        const voice = hums.get(hum.rackId);
        if (voice) voice.set(hum);
        else hums.set(hum.rackId, humVoice(hum));
      }
      for (const [id, voice] of hums) {
        if (seen.has(id)) continue;
        voice.stop();
        hums.delete(id);
      }
    },
    setAlarms(next) {
      if (!context || !output()) return;
      const seen = new Set(next.map((a) => a.key));
      for (const alarm of next) if (!alarms.has(alarm.key)) alarms.set(alarm.key, alarmVoice(alarm));
      for (const [key, voice] of alarms) {
        if (seen.has(key)) continue;
        voice.stop();
        alarms.delete(key);
      }
    },
    setMasterVolume(next) {
      volume = clamp01(next);
      applyLevel();
    },
    setMuted(next) {
      muted = next;
      applyLevel();
    },
  };
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/** Master volume and mute, remembered per browser (per user of this machine). */
export class AudioSettingsStore {
  static readonly VOLUME_KEY = "proximity.volume";
  static readonly MUTED_KEY = "proximity.muted";

  constructor(private readonly storage: Pick<Storage, "getItem" | "setItem">) {}

  load(): { volume: number; muted: boolean } {
    const raw = this.storage.getItem(AudioSettingsStore.VOLUME_KEY);
    const volume = raw === null ? 0.6 : Number(raw);
    return { volume: Number.isFinite(volume) ? clamp01(volume) : 0.6, muted: this.storage.getItem(AudioSettingsStore.MUTED_KEY) === "true" };
  }

  save(settings: { volume: number; muted: boolean }): void {
    this.storage.setItem(AudioSettingsStore.VOLUME_KEY, String(clamp01(settings.volume)));
    this.storage.setItem(AudioSettingsStore.MUTED_KEY, String(settings.muted));
  }
}
