import { commands, type CommandName } from "../../../shared/src/commands.ts";
import {
  mayDecide,
  PRESENCE_EVENTS,
  PRESENCE_MESSAGES,
  proposableCommands,
  type PingEvent,
  type ProposalClosedEvent,
  type SummonEvent,
} from "../../../shared/src/presence.ts";
import { guestKey, type Role } from "../../../shared/src/protocol.ts";
import type { HallApp } from "../app/hallApp.ts";
import type { AudioDirector } from "../audio/audioDirector.ts";
import { alarms, isNear, nearest, rackHums } from "../audio/soundscape.ts";
import type { Estate } from "../model/estate.ts";
import type { WorldRoom } from "../net/worldConnection.ts";
import type { HallLayout, Vec3 } from "../scene/layout.ts";
import type { Theme } from "../theme.ts";
import { AvatarsView, type UserView } from "./avatarsView.ts";
import { followPose, PresenceOutbox, summonPose, approach, type Pose } from "./motion.ts";
import type { TogetherSnapshot } from "./debugHook.ts";
import { TogetherHud, type PersonItem, type ProposalItem } from "./togetherHud.ts";

export interface TogetherOptions {
  app: HallApp;
  estate: Estate;
  theme: Theme;
  overlay: HTMLElement;
  audio: AudioDirector;
  role(): Role;
  userName(): string;
  /** A short message at the top of the screen (outcomes, refusals). */
  notify(message: string, error: boolean): void;
  /** The master volume or mute changed (to remember it). */
  onAudioChange(settings: { volume: number; muted: boolean }): void;
}

/** How often hums and alarms are re-derived from the estate: load changes slowly, so once a second is plenty. */
const SOUNDSCAPE_INTERVAL_MS = 1000;
/** Positional voices kept alive at once: the nearest racks hum, the nearest troubles alarm. */
const HUM_VOICES = 8;
const ALARM_VOICES = 6;
/** How far ahead of the eyes a ping lands when nothing is under the pointer. */
const PING_REACH_METRES = 2.5;
/** Where this tab last stood, so a reload (a new session) puts you back in your place instead of at the door. */
const PLACE_KEY = "proximity.place";
/** Operation ids remembered as already heard; beyond this, ids no longer in the estate are forgotten. */
const SEEN_OPERATIONS_KEPT = 500;
const MOVE_KEYS = new Set(["KeyW", "KeyA", "KeyS", "KeyD", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"]);

/**
 * Being in the hall with others: streams my pose and selection to the room, shows everyone else (avatars,
 * selections, pings), follow and summon, proposals on objects, and drives the spatial soundscape.
 */
export class Together {
  private readonly avatars: AvatarsView;
  private readonly hud: TogetherHud;
  private readonly outbox = new PresenceOutbox();
  private room: WorldRoom | null = null;
  private following: string | null = null;
  private layout: HallLayout;
  private lastSoundscape = -Infinity;
  private lastFrame = 0;
  private stateDirty = true;
  private lastOfferedFor = "";
  private placeRestored = false;
  private pingsShown = 0;
  private readonly seenOperations = new Set<string>();
  private readonly detachers: (() => void)[] = [];

  constructor(private readonly options: TogetherOptions) {
    const { app, theme, overlay, audio } = options;
    this.layout = app.view.layout;
    this.avatars = new AvatarsView(app.hall, theme, (key) => app.view.layout.guests.get(key));
    this.hud = new TogetherHud(overlay, {
      onFollow: (id) => this.follow(id),
      onSummon: () => void this.request(PRESENCE_MESSAGES.summon, {}, "Everyone is on their way to you."),
      onVolume: (volume) => this.setAudio(volume, audio.muted),
      onMute: (muted) => this.setAudio(audio.volume, muted),
      onApprove: (id) => void this.request(PRESENCE_MESSAGES.approve, { id }, "Approved: the operation is queued."),
      onReject: (id, reason) => void this.request(PRESENCE_MESSAGES.reject, { id, reason }, "Proposal rejected."),
      onPropose: (key, command, fields) => this.propose(key, command, fields),
      onShowGuest: (key) => void app.goTo(key),
    });
    this.hud.setAudio(audio.volume, audio.muted);
    options.estate.subscribe((changes) => {
      for (const id of changes.operations) this.chimeIfNear(id);
    });
    addEventListener("keydown", (e) => {
      if (MOVE_KEYS.has(e.code) && this.following) this.follow(null);
      if (e.code === "KeyP" && !isTyping(e.target)) this.pingHere();
    });
  }

  /** A (new) room was joined: everything about others comes from it now. */
  attach(room: WorldRoom): void {
    for (const detach of this.detachers.splice(0)) detach();
    this.room = room;
    this.outbox.reset();
    this.stateDirty = true;
    const onState = () => (this.stateDirty = true);
    room.onStateChange(onState);
    this.detachers.push(
      () => room.onStateChange.remove(onState),
      room.onMessage(PRESENCE_EVENTS.pinged, (ping: PingEvent) => this.showPing(ping, ping.color)),
      room.onMessage(PRESENCE_EVENTS.summoned, (summon: SummonEvent) => this.summoned(summon)),
      room.onMessage(PRESENCE_EVENTS.proposalClosed, (closed: ProposalClosedEvent) =>
        this.options.notify(`${closed.summary}: ${closed.outcome === "rejected" ? `rejected by ${closed.by}` : "expired"}. ${closed.reason}`, true),
      ),
    );
    // Operations already in the state when joining are history, not news: no chime for them.
    for (const id of this.options.estate.operations.keys()) this.seenOperations.add(id);
  }

  /** Call once per animation frame before the hall draws; returns whether others moved (draw this frame). */
  frame(nowMs: number): boolean {
    const dt = this.lastFrame ? (nowMs - this.lastFrame) / 1000 : 0;
    this.lastFrame = nowMs;
    const { app, audio } = this.options;
    if (app.view.layout !== this.layout) {
      this.layout = app.view.layout;
      this.avatars.relayout();
    }
    if (this.stateDirty) {
      this.stateDirty = false;
      this.refresh();
    }
    this.restorePlace();
    this.followStep(dt);
    // Where I am is where I look from: the headset's camera while in VR, the walking camera otherwise.
    const pose = app.viewPose();
    this.send(pose, nowMs);
    audio.setListener(pose, forwardOf(pose));
    if (nowMs - this.lastSoundscape > SOUNDSCAPE_INTERVAL_MS) {
      this.lastSoundscape = nowMs;
      // The place to come back to after a reload is the desktop walker's: a reload leaves the headset.
      if (this.placeRestored) sessionStorage.setItem(PLACE_KEY, JSON.stringify(app.controller.current));
      audio.setHums(nearest(rackHums(this.options.estate, this.layout), pose, HUM_VOICES));
      audio.setAlarms(nearest(alarms(this.options.estate, this.layout), pose, ALARM_VOICES));
    }
    const moving = this.avatars.tick(dt);
    this.hud.placeTags((key) => app.screenPositionOf(key));
    return moving;
  }

  /** What others look like right now, for tests and diagnostics. */
  snapshot(): TogetherSnapshot {
    const users = this.othersInRoom();
    return {
      avatars: users.map((u) => ({ name: u.name, color: u.color, connected: u.connected, x: this.avatars.shownPose(u.sessionId)?.x ?? u.pose.x, z: this.avatars.shownPose(u.sessionId)?.z ?? u.pose.z, selection: u.selection })),
      following: this.following,
      pings: this.pingsShown,
    };
  }

  /** Once the hall has its layout (and has put us at the entrance), go back to where this tab stood before a reload. */
  private restorePlace(): void {
    if (this.placeRestored || this.layout.rows.length === 0) return;
    this.placeRestored = true;
    const saved = parsePose(sessionStorage.getItem(PLACE_KEY));
    if (saved) this.options.app.controller.teleport(saved);
  }

  private refresh(): void {
    const room = this.room;
    if (!room?.state?.users) return;
    const role = this.options.role();
    const others = this.othersInRoom();
    this.avatars.sync(others);
    const people: PersonItem[] = [...room.state.users.values()]
      .map((u) => ({ sessionId: u.sessionId, name: u.name, role: u.role, color: u.color, connected: u.connected, self: u.sessionId === room.sessionId }))
      .sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
    if (this.following && !room.state.users.has(this.following)) {
      this.options.notify("The person you were following has left.", false);
      this.following = null;
    }
    this.hud.setPeople(people, this.following, role === "admin");
    const proposals: ProposalItem[] = [...room.state.proposals.values()]
      .map((p) => ({ id: p.id, summary: p.summary, proposer: p.proposer, key: guestKey(p.clusterId, p.vmid), expiresAt: p.expiresAt }))
      .sort((a, b) => a.expiresAt - b.expiresAt);
    this.hud.setProposals(proposals, mayDecide(role));
    this.offerProposals();
  }

  private othersInRoom(): UserView[] {
    const room = this.room;
    if (!room?.state?.users) return [];
    return [...room.state.users.values()]
      // A user whose client has not sent its place yet would stand at the origin for a moment: shown once placed.
      .filter((u) => u.sessionId !== room.sessionId && u.placed)
      .map((u) => ({ sessionId: u.sessionId, name: u.name, color: u.color, selection: u.selection, connected: u.connected, pose: { x: u.x, y: u.y, z: u.z, yaw: u.yaw, pitch: u.pitch } }));
  }

  private offerProposals(): void {
    const key = this.options.app.selectedKey;
    const guest = key ? this.options.estate.guests.get(key) : undefined;
    if (!key || !guest) {
      this.hud.setOffer(null);
      return;
    }
    const nodes = [...this.options.estate.hosts.values()].filter((h) => h.clusterId === guest.clusterId && h.node !== guest.node && h.status === "online").map((h) => h.node);
    this.hud.setOffer({ key, guestName: guest.name, commands: proposableCommands(this.options.role()), nodes });
  }

  private send(pose: Pose, nowMs: number): void {
    const selection = this.options.app.selectedKey ?? "";
    const update = this.room ? this.outbox.next(pose, selection, nowMs) : null;
    if (update) this.room!.send(PRESENCE_MESSAGES.update, update);
    // The propose form follows my own selection, which is not in any patch.
    if (update && update.selection !== this.lastOfferedFor) {
      this.lastOfferedFor = update.selection;
      this.offerProposals();
    }
  }

  private follow(sessionId: string | null): void {
    this.following = sessionId;
    this.stateDirty = true;
    if (sessionId) {
      const name = this.room?.state.users.get(sessionId)?.name ?? "them";
      this.options.notify(`Following ${name}. Walk to stop.`, false);
    }
  }

  private followStep(dt: number): void {
    if (!this.following) return;
    const leader = this.avatars.shownPose(this.following);
    if (!leader) return;
    const { controller } = this.options.app;
    const current = controller.current;
    const next = approach(current, followPose(leader, current), dt).pose;
    controller.teleport(next);
    this.options.app.invalidate();
  }

  private summoned(summon: SummonEvent): void {
    const room = this.room;
    if (!room) return;
    this.following = null;
    const order = [...room.state.users.keys()].sort();
    const spot = summonPose({ x: summon.x, y: summon.y, z: summon.z, yaw: summon.yaw, pitch: 0 }, Math.max(0, order.indexOf(room.sessionId)));
    const { controller } = this.options.app;
    controller.glideTo(spot, () => controller.relocateIfBlocked());
    this.options.app.invalidate();
    this.options.notify(`${summon.by} brought everyone over.`, false);
  }

  private pingHere(): void {
    if (!this.room) return;
    const { app } = this.options;
    const hovered = app.hoveredKey ?? app.selectedKey;
    const guest = hovered ? app.view.layout.guests.get(hovered) : undefined;
    const pose = app.viewPose();
    const forward = forwardOf(pose);
    const at: Vec3 = guest
      ? guest.front
      : { x: pose.x + forward.x * PING_REACH_METRES, y: pose.y + forward.y * PING_REACH_METRES, z: pose.z + forward.z * PING_REACH_METRES };
    const me = this.room.state.users.get(this.room.sessionId);
    this.showPing(at, me?.color ?? this.options.theme.colors.accent);
    this.room.send(PRESENCE_MESSAGES.ping, at);
  }

  private showPing(at: Vec3, color: string): void {
    this.pingsShown += 1;
    this.avatars.ping(at, color);
    this.options.audio.cue("ping", at);
    this.options.app.invalidate();
  }

  private chimeIfNear(operationId: string): void {
    if (this.seenOperations.has(operationId)) return;
    this.seenOperations.add(operationId);
    if (this.seenOperations.size > SEEN_OPERATIONS_KEPT) {
      for (const id of this.seenOperations) if (!this.options.estate.operations.has(id)) this.seenOperations.delete(id);
    }
    const op = this.options.estate.operations.get(operationId);
    if (!op || op.requestedBy === this.options.userName()) return;
    const guest = this.layout.guests.get(guestKey(op.clusterId, op.vmid));
    if (guest && isNear(guest.front, this.options.app.viewPose())) this.options.audio.cue("chime", guest.front);
  }

  private propose(key: string, command: CommandName, fields: Record<string, string>): void {
    const guest = this.options.estate.guests.get(key);
    if (!guest) return;
    const payload: Record<string, unknown> = { cluster: guest.clusterId, vmid: guest.vmid };
    for (const [field, value] of Object.entries(fields)) if (value !== "") payload[field] = value;
    void this.request(PRESENCE_MESSAGES.propose, { command, payload }, `Proposed: ${commands[command].label} ${guest.name}. An admin will see it on the guest.`);
  }

  private setAudio(volume: number, muted: boolean): void {
    const { audio } = this.options;
    audio.setMasterVolume(volume);
    audio.setMuted(muted);
    this.hud.setAudio(audio.volume, audio.muted);
    this.options.onAudioChange({ volume: audio.volume, muted: audio.muted });
  }

  /** Sends a request; the server's refusal (a clear message) goes to the banner with the failure sound. */
  private async request(type: string, payload: unknown, success: string): Promise<void> {
    const room = this.room;
    if (!room) return this.options.notify("Not connected to the hall.", true);
    try {
      await room.request(type, payload);
      this.options.audio.cue("success");
      this.options.notify(success, false);
    } catch (error) {
      this.options.audio.cue("failure");
      const reason = (error as { reason?: { message?: string } }).reason?.message;
      this.options.notify(reason ?? (error instanceof Error ? error.message : String(error)), true);
    }
  }

  /** Reflects a mute toggled elsewhere (the deck's sound button). */
  syncAudio(): void {
    this.hud.setAudio(this.options.audio.volume, this.options.audio.muted);
  }

  dispose(): void {
    for (const detach of this.detachers.splice(0)) detach();
    this.avatars.dispose();
    this.hud.dispose();
  }
}

/** Babylon's camera looks along (sin yaw · cos pitch, -sin pitch, cos yaw · cos pitch); positive pitch looks down. */
function forwardOf(pose: Pose): Vec3 {
  return { x: Math.sin(pose.yaw) * Math.cos(pose.pitch), y: -Math.sin(pose.pitch), z: Math.cos(pose.yaw) * Math.cos(pose.pitch) };
}

function parsePose(raw: string | null): Pose | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    const fields = ["x", "y", "z", "yaw", "pitch"] as const;
    return fields.every((f) => Number.isFinite(value[f])) ? (Object.fromEntries(fields.map((f) => [f, value[f]])) as unknown as Pose) : null;
  } catch {
    return null;
  }
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}
