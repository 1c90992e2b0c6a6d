import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture";
import { Color3 } from "@babylonjs/core/Maths/math.color";
import { Matrix } from "@babylonjs/core/Maths/math.vector";
import { Mesh } from "@babylonjs/core/Meshes/mesh";
import { CreateCapsule } from "@babylonjs/core/Meshes/Builders/capsuleBuilder";
import { CreateBox } from "@babylonjs/core/Meshes/Builders/boxBuilder";
import { CreatePlane } from "@babylonjs/core/Meshes/Builders/planeBuilder";
import { CreateTorus } from "@babylonjs/core/Meshes/Builders/torusBuilder";
import { TransformNode } from "@babylonjs/core/Meshes/transformNode";
import type { Scene } from "@babylonjs/core/scene";
import type { HallScene } from "../scene/hallScene.ts";
import { facingRotation } from "../scene/frontMatrix.ts";
import type { GuestLayout, Vec3 } from "../scene/layout.ts";
import type { Theme } from "../theme.ts";
import { approach, type Pose } from "./motion.ts";

/** What the view needs to know about another user. */
export interface UserView {
  sessionId: string;
  name: string;
  color: string;
  pose: Pose;
  selection: string;
  connected: boolean;
}

const PING_SECONDS = 1.4;
const TAG = { width: 512, height: 112, metresWide: 0.62 } as const;

/** Closer than this to the viewer, an avatar is hidden rather than drawn across the screen. */
const TOO_CLOSE_METRES = 0.9;

interface Avatar {
  root: TransformNode;
  head: TransformNode;
  meshes: Mesh[];
  /**
   * Meshes handed to the glow layer, to take back on dispose. The visor stays out of it: the glow layer ignores
   * meshes it does not draw, so a glowing visor would shine through its own head seen from behind.
   */
  glowing: Mesh[];
  material: StandardMaterial;
  tag: Mesh;
  shown: Pose;
  target: Pose;
  selection: string;
  outline: Mesh | null;
  outlineTag: Mesh | null;
  connected: boolean;
}

interface Ping {
  ring: Mesh;
  material: StandardMaterial;
  age: number;
}

/**
 * Other users in the hall: a capsule with a visor and a floating name tag in their colour, moved smoothly between
 * updates; a bracket in their colour, with their name, on the guest they have selected; and expanding rings where
 * someone pings. Owns every mesh it creates.
 */
export class AvatarsView {
  private readonly avatars = new Map<string, Avatar>();
  private readonly pings: Ping[] = [];
  private readonly scene: Scene;

  constructor(
    private readonly hall: HallScene,
    private readonly theme: Theme,
    private readonly guestLayout: (key: string) => GuestLayout | undefined,
  ) {
    this.scene = hall.scene;
  }

  /** Brings the avatars in line with the room: adds, retargets and removes. */
  sync(users: readonly UserView[]): void {
    const seen = new Set<string>();
    for (const user of users) {
      seen.add(user.sessionId);
      const avatar = this.avatars.get(user.sessionId) ?? this.create(user);
      avatar.target = user.pose;
      if (avatar.connected !== user.connected) {
        avatar.connected = user.connected;
        for (const mesh of [...avatar.meshes, avatar.tag]) mesh.visibility = user.connected ? 1 : 0.35;
      }
      if (avatar.selection !== user.selection) this.select(avatar, user);
    }
    for (const [id, avatar] of this.avatars) {
      if (seen.has(id)) continue;
      this.disposeAvatar(avatar);
      this.avatars.delete(id);
    }
  }

  /** Re-places selection brackets after the hall's layout changed. */
  relayout(): void {
    for (const avatar of this.avatars.values()) this.placeOutline(avatar);
  }

  shownPose(sessionId: string): Pose | undefined {
    return this.avatars.get(sessionId)?.shown;
  }

  ping(at: Vec3, color: string): void {
    const ring = CreateTorus("ping", { diameter: 0.3, thickness: 0.025, tessellation: 40 }, this.scene);
    ring.isPickable = false;
    ring.position.set(at.x, at.y, at.z);
    // The torus is built around y; stand it up (ring in the xy plane) so that, billboarded, it faces the viewer.
    ring.bakeTransformIntoVertices(Matrix.RotationX(Math.PI / 2));
    ring.billboardMode = Mesh.BILLBOARDMODE_ALL;
    const material = new StandardMaterial("ping-mat", this.scene);
    material.emissiveColor = Color3.FromHexString(color);
    material.disableLighting = true;
    ring.material = material;
    this.hall.addGlowing([ring]);
    this.pings.push({ ring, material, age: 0 });
  }

  /** Advances interpolation and pings; returns whether anything is still moving (the frame must be drawn). */
  tick(dtSeconds: number): boolean {
    let moving = false;
    for (const avatar of this.avatars.values()) {
      const step = approach(avatar.shown, avatar.target, dtSeconds);
      avatar.shown = step.pose;
      this.place(avatar);
      moving ||= step.moving;
    }
    for (let i = this.pings.length - 1; i >= 0; i--) {
      const ping = this.pings[i]!;
      ping.age += dtSeconds;
      const t = ping.age / PING_SECONDS;
      if (t >= 1) {
        this.hall.removeGlowing([ping.ring]);
        ping.ring.dispose();
        ping.material.dispose();
        this.pings.splice(i, 1);
        continue;
      }
      ping.ring.scaling.setAll(1 + t * 5);
      ping.ring.visibility = 1 - t;
      moving = true;
    }
    return moving;
  }

  dispose(): void {
    for (const avatar of this.avatars.values()) this.disposeAvatar(avatar);
    this.avatars.clear();
    for (const ping of this.pings) {
      ping.ring.dispose();
      ping.material.dispose();
    }
    this.pings.length = 0;
  }

  private create(user: UserView): Avatar {
    const color = Color3.FromHexString(user.color);
    const material = new StandardMaterial(`avatar-${user.sessionId}`, this.scene);
    // The hall is lit for PBR metal (high exposure): a low diffuse keeps the top of the capsule from burning white.
    material.diffuseColor = color.scale(0.14);
    material.emissiveColor = color.scale(0.22);
    // Matte: a bright specular highlight on a capsule reads as a toy, not a person.
    material.specularColor = new Color3(0.06, 0.06, 0.06);
    const visorMaterial = new StandardMaterial(`visor-${user.sessionId}`, this.scene);
    visorMaterial.emissiveColor = color;
    visorMaterial.disableLighting = true;

    const root = new TransformNode(`avatar-${user.sessionId}`, this.scene);
    // Body from the floor to the shoulders; the head node carries the visor and tilts with pitch.
    const body = CreateCapsule("avatar-body", { radius: 0.2, height: 1.25, tessellation: 16, subdivisions: 2 }, this.scene);
    body.parent = root;
    body.position.y = -1.6 + 0.625;
    const head = new TransformNode("avatar-head", this.scene);
    head.parent = root;
    head.position.y = -0.08;
    const skull = CreateCapsule("avatar-skull", { radius: 0.13, height: 0.32, tessellation: 16 }, this.scene);
    skull.parent = head;
    const visor = CreateBox("avatar-visor", { width: 0.22, height: 0.06, depth: 0.05 }, this.scene);
    visor.parent = head;
    visor.position.set(0, 0.02, 0.115);
    visor.material = visorMaterial;
    for (const mesh of [body, skull]) mesh.material = material;

    const tag = this.nameTag(user.name, user.color, `tag-${user.sessionId}`);
    tag.parent = root;
    tag.position.y = 0.32;

    const meshes = [body, skull, visor];
    for (const mesh of meshes) mesh.isPickable = false;
    const avatar: Avatar = { root, head, meshes, glowing: [], material, tag, shown: { ...user.pose }, target: user.pose, selection: "", outline: null, outlineTag: null, connected: true };
    this.avatars.set(user.sessionId, avatar);
    this.place(avatar);
    return avatar;
  }

  private nameTag(text: string, color: string, name: string): Mesh {
    const texture = new DynamicTexture(name, { width: TAG.width, height: TAG.height }, this.scene, true);
    texture.hasAlpha = true;
    const ctx = texture.getContext() as unknown as CanvasRenderingContext2D;
    ctx.clearRect(0, 0, TAG.width, TAG.height);
    ctx.fillStyle = "rgba(11, 15, 23, 0.78)";
    ctx.beginPath();
    ctx.roundRect(8, 8, TAG.width - 16, TAG.height - 16, 28);
    ctx.fill();
    ctx.strokeStyle = color;
    ctx.lineWidth = 4;
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.font = `600 52px "${this.theme.fonts.sans}", sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text.length > 18 ? `${text.slice(0, 17)}…` : text, TAG.width / 2, TAG.height / 2 + 2, TAG.width - 48);
    texture.update();
    const material = new StandardMaterial(`${name}-mat`, this.scene);
    material.diffuseTexture = texture;
    material.emissiveTexture = texture;
    material.opacityTexture = texture;
    material.disableLighting = true;
    material.backFaceCulling = false;
    const plane = CreatePlane(name, { width: TAG.metresWide, height: (TAG.metresWide * TAG.height) / TAG.width }, this.scene);
    plane.material = material;
    plane.billboardMode = Mesh.BILLBOARDMODE_ALL;
    plane.isPickable = false;
    return plane;
  }

  private place(avatar: Avatar): void {
    const { x, y, z, yaw, pitch } = avatar.shown;
    // Someone standing where you stand (both just arrived at the entrance) would fill your whole view.
    const eye = this.scene.activeCamera?.globalPosition;
    avatar.root.setEnabled(!eye || Math.hypot(eye.x - x, eye.z - z) > TOO_CLOSE_METRES);
    avatar.root.position.set(x, y, z);
    avatar.root.rotation.y = yaw;
    avatar.head.rotation.x = pitch;
  }

  private select(avatar: Avatar, user: UserView): void {
    avatar.selection = user.selection;
    if (!avatar.outline) {
      avatar.outline = this.hall.assets.frame.clone(`outline-${user.sessionId}`, null, true);
      avatar.outline.makeGeometryUnique();
      avatar.outline.isPickable = false;
      const material = new StandardMaterial(`outline-mat-${user.sessionId}`, this.scene);
      material.emissiveColor = Color3.FromHexString(user.color);
      material.disableLighting = true;
      avatar.outline.material = material;
      this.hall.addGlowing([avatar.outline]);
      avatar.glowing.push(avatar.outline);
      avatar.outlineTag = this.nameTag(user.name, user.color, `outline-tag-${user.sessionId}`);
      avatar.outlineTag.scaling.setAll(0.6);
    }
    this.placeOutline(avatar);
  }

  private placeOutline(avatar: Avatar): void {
    if (!avatar.outline || !avatar.outlineTag) return;
    const guest = avatar.selection ? this.guestLayout(avatar.selection) : undefined;
    avatar.outline.setEnabled(guest !== undefined);
    avatar.outlineTag.setEnabled(guest !== undefined);
    if (!guest) return;
    // A little larger than the caddy (and than one's own bracket), so two selections of one guest both show.
    avatar.outline.position.set(guest.front.x, guest.front.y, guest.front.z);
    avatar.outline.rotationQuaternion = facingRotation(guest.facing).clone();
    avatar.outline.scaling.set(guest.width * 1.12, guest.height * 1.25, 0.012);
    avatar.outlineTag.position.set(guest.front.x, guest.front.y + guest.height * 0.6 + 0.05, guest.front.z + guest.facing * 0.02);
  }

  private disposeAvatar(avatar: Avatar): void {
    this.hall.removeGlowing(avatar.glowing);
    for (const mesh of [avatar.tag, avatar.outlineTag]) {
      if (!mesh) continue;
      const material = mesh.material as StandardMaterial | null;
      material?.diffuseTexture?.dispose();
      material?.dispose();
      mesh.dispose();
    }
    avatar.outline?.material?.dispose();
    avatar.outline?.dispose();
    for (const mesh of avatar.meshes) {
      if (mesh.material !== avatar.material) mesh.material?.dispose();
    }
    avatar.material.dispose();
    avatar.root.dispose();
  }
}
