/**
 * Dev-only scene preview (served by `vite`, not part of the build): renders a generated estate without a server,
 * for tuning the look. Query: clusters, hosts, guests, perRack, x, y, z, yaw, pitch.
 */
import { Engine } from "@babylonjs/core/Engines/engine";
import { FreeCamera } from "@babylonjs/core/Cameras/freeCamera";
import { Vector3 } from "@babylonjs/core/Maths/math.vector";
import { Estate } from "../model/estate.ts";
import { fillSampleEstate } from "../model/sampleEstate.ts";
import { HallView } from "../scene/hallView.ts";
import { createHallScene } from "../scene/hallScene.ts";
import { RoomView } from "../scene/roomView.ts";
import { theme } from "../theme.ts";

const params = new URLSearchParams(location.search);
const num = (name: string, fallback: number) => (params.has(name) ? Number(params.get(name)) : fallback);
const canvas = document.getElementById("scene") as HTMLCanvasElement;
const engine = new Engine(canvas, true, { preserveDrawingBuffer: true, stencil: true });
const hall = createHallScene(engine, theme, { canPaint: true, glow: true });
const estate = new Estate();
const room = new RoomView(hall.scene, theme, true);
const view = new HallView(hall.assets, theme, estate, {
  onLayout: (layout) => room.update(layout),
  onRowMeshes: (added, removed) => {
    hall.removeRowMeshes(removed);
    hall.addRowMeshes(added);
  },
});
fillSampleEstate(estate, {
  clusters: num("clusters", 2),
  hostsPerCluster: num("hosts", 12),
  guestsPerHost: num("guests", 20),
  hostsPerRack: num("perRack", 4),
});
const some = [...estate.guests.values()];
if (some[5]) estate.upsertOperation({ id: "op-a", kind: "reboot", clusterId: some[5].clusterId, vmid: some[5].vmid, node: some[5].node, requestedBy: "ada", state: "running", progress: 0.6, message: "", error: "", createdAt: 1, finishedAt: 0, targetVmid: 0, targetNode: "", summary: "" });
if (some[5]) estate.upsertGuest({ ...some[5], operationId: "op-a" });
if (some[9]) estate.upsertOperation({ id: "op-b", kind: "stop", clusterId: some[9].clusterId, vmid: some[9].vmid, node: some[9].node, requestedBy: "ada", state: "failed", progress: 1, message: "", error: "VM is locked", createdAt: 2, finishedAt: 3, targetVmid: 0, targetNode: "", summary: "" });
const offline = [...estate.hosts.values()][3];
if (offline && params.has("offline")) estate.upsertHost({ ...offline, status: "offline" });
estate.flush();

const spawn = view.layout.spawn;
const camera = new FreeCamera("eye", new Vector3(num("x", spawn.x), num("y", 1.6), num("z", spawn.z)), hall.scene);
camera.rotation.y = num("yaw", spawn.yaw);
camera.rotation.x = num("pitch", 0.06);
camera.fov = 1.0;
camera.minZ = 0.05;
camera.maxZ = 120;
hall.scene.activeCamera = camera;
engine.runRenderLoop(() => {
  view.tick(performance.now() / 1000);
  hall.scene.render();
});
hall.scene.executeWhenReady(() => {
  let frames = 0;
  hall.scene.onAfterRenderObservable.add(() => {
    if (++frames === 3) (window as unknown as { __previewReady: boolean }).__previewReady = true;
  });
});
(window as unknown as { __scene: unknown }).__scene = hall.scene;
addEventListener("resize", () => engine.resize());
