import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type GuestInfo, type Simulator } from "./index.ts";
import { call, data, waitForTask, type RawReply } from "./test-client.ts";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, nodes: 3, guests: 12, taskSpeed: 0.02, authFailureDelayMs: 20 });
});
afterAll(() => sim?.close());
afterEach(() => sim.setFaults({}));

type Form = Record<string, string | number>;
const DEBIAN = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
const guestPath = (g: { node: string; type: string; vmid: number }) => `/nodes/${g.node}/${g.type}/${g.vmid}`;

async function upid(method: string, path: string, form?: Form): Promise<string> {
  const reply = await call(sim, method, path, method === "DELETE" ? {} : { form });
  expect(reply.status, `${method} ${path}: ${reply.reason}`).toBe(200);
  return JSON.parse(reply.body).data as string;
}

async function done(method: string, path: string, form?: Form) {
  const id = await upid(method, path, form);
  return { upid: id, ...(await waitForTask(sim, id)) };
}

async function logOf(id: string): Promise<string[]> {
  const node = id.split(":")[1] as string;
  const lines = await data<{ t: string }[]>(sim, "GET", `/nodes/${node}/tasks/${encodeURIComponent(id)}/log?limit=0`);
  return lines.map((l) => l.t);
}

function failure(reply: RawReply): { status: number; message: string; errors?: Record<string, string> } {
  const body = JSON.parse(reply.body) as { message: string; errors?: Record<string, string> };
  return { status: reply.status, message: body.message.trimEnd(), ...(body.errors ? { errors: body.errors } : {}) };
}

async function resource(vmid: number) {
  const all = await data<{ vmid: number; node: string; lock?: string; status: string; name?: string }[]>(sim, "GET", "/cluster/resources?type=vm");
  return all.find((r) => r.vmid === vmid);
}

async function newContainer(form: Form = {}): Promise<GuestInfo> {
  const vmid = Number(await data<string>(sim, "GET", "/cluster/nextid"));
  const result = await done("POST", "/nodes/pve1/lxc", { vmid, ostemplate: DEBIAN, rootfs: "local-lvm:4", hostname: `ct${vmid}`, ...form });
  expect(result.exitstatus).toBe("OK");
  return sim.model.getGuest(vmid)!;
}

describe("create and restore", () => {
  it("creates a container under lock 'create', visible at once, then started with start=1", async () => {
    sim.setFaults({ slowTaskFactor: 5 });
    const vmid = Number(await data<string>(sim, "GET", "/cluster/nextid"));
    const id = await upid("POST", "/nodes/pve1/lxc", {
      vmid,
      ostemplate: DEBIAN,
      hostname: "web-1",
      cores: 2,
      memory: 1024,
      rootfs: "local-lvm:6",
      net0: "name=eth0,bridge=vmbr0,ip=dhcp",
      unprivileged: 1,
      tags: "prod;web",
      start: 1,
      password: "secret-pw",
    });
    expect(id).toMatch(new RegExp(`:vzcreate:${vmid}:root@pam!proximity:$`));
    expect(sim.model.getGuest(vmid)).toMatchObject({ lock: "create", status: "stopped", node: "pve1" });
    expect(await resource(vmid)).toMatchObject({ lock: "create", status: "unknown", node: "pve1" });
    const taken = failure(await call(sim, "GET", `/cluster/nextid?vmid=${vmid}`));
    expect(taken.errors).toEqual({ vmid: `VM ${vmid} already exists` });

    expect(await waitForTask(sim, id)).toMatchObject({ exitstatus: "OK", type: "vzcreate" });
    const log = await logOf(id);
    expect(log[0]).toBe("extracting archive '/var/lib/vz/template/cache/debian-12-standard_12.7-1_amd64.tar.zst'");
    expect(log.at(-1)).toBe("TASK OK");
    const g = sim.model.getGuest(vmid)!;
    expect(g.lock).toBeUndefined();
    expect(g).toMatchObject({ name: "web-1", cores: 2, memoryMiB: 1024, maxdiskBytes: 6 * 1024 ** 3, tags: "prod;web" });
    expect(g.config).toMatchObject({ rootfs: `local-lvm:vm-${vmid}-disk-0,size=6G`, unprivileged: 1, ostype: "debian" });
    expect(JSON.stringify(g.config)).not.toContain("secret-pw");
    expect(sim.model.volumeCount({ vmid, storage: "local-lvm" })).toBe(1);

    const start = sim.model.listTasks().find((t) => t.type === "vzstart" && t.id === String(vmid));
    expect(start).toBeDefined();
    await waitForTask(sim, start!.upid);
    expect(sim.model.getGuest(vmid)?.status).toBe("running");
  });

  it("answers PVE's errors: vmid in use, missing template, storage without rootdir, short password", async () => {
    const taken = sim.model.listGuests()[0]!;
    const exists = failure(await call(sim, "POST", "/nodes/pve1/lxc", { form: { vmid: taken.vmid, ostemplate: DEBIAN, rootfs: "local-lvm:4" } }));
    expect(exists).toEqual({ status: 500, message: `${taken.type === "lxc" ? "CT" : "VM"} ${taken.vmid} already exists on node '${taken.node}'` });
    const missing = failure(await call(sim, "POST", "/nodes/pve1/lxc", { form: { vmid: 4000, ostemplate: "local:vztmpl/nope.tar.zst", rootfs: "local-lvm:4" } }));
    expect(missing).toEqual({ status: 500, message: "volume 'local:vztmpl/nope.tar.zst' does not exist" });
    const dirOnly = failure(await call(sim, "POST", "/nodes/pve1/lxc", { form: { vmid: 4000, ostemplate: DEBIAN, rootfs: "local:4" } }));
    expect(dirOnly).toEqual({ status: 500, message: "storage 'local' does not support container directories" });
    const bad = failure(await call(sim, "POST", "/nodes/pve1/lxc", { form: { vmid: 4000, ostemplate: DEBIAN, password: "abc", net0: "x", net300: "y" } }));
    expect(bad).toEqual({
      status: 400,
      message: "Parameter verification failed.",
      errors: { password: "value must be at least 5 characters long", net300: "property is not defined in schema and the schema does not allow additional properties" },
    });
    expect(sim.model.getGuest(4000)).toBeUndefined();
  });

  it("removes the half-created guest when the task fails, and the task says why", async () => {
    sim.model.failNextTask("vzcreate", "unable to create CT 4100 - no space left on device");
    const result = await done("POST", "/nodes/pve1/lxc", { vmid: 4100, ostemplate: DEBIAN, rootfs: "local-lvm:4" });
    expect(result.exitstatus).toBe("unable to create CT 4100 - no space left on device");
    expect(sim.model.getGuest(4100)).toBeUndefined();
    expect(sim.model.volumeCount({ vmid: 4100 })).toBe(0);
  });

  it("pulls an OCI image into a vztmpl volume and creates an application container from it", async () => {
    const pulled = await done("POST", "/nodes/pve2/storage/local/oci-registry-pull", { reference: "docker.io/library/nginx:1.27" });
    expect(pulled).toMatchObject({ exitstatus: "OK", type: "download" });
    const templates = await data<{ volid: string; format: string }[]>(sim, "GET", "/nodes/pve2/storage/local/content?content=vztmpl");
    expect(templates).toContainEqual(expect.objectContaining({ volid: "local:vztmpl/nginx_1.27.tar", format: "tar" }));
    const again = failure(await call(sim, "POST", "/nodes/pve2/storage/local/oci-registry-pull", { form: { reference: "docker.io/library/nginx:1.27" } }));
    expect(again.message).toBe("refusing to override existing file '/var/lib/vz/template/cache/nginx_1.27.tar'");
    const badRef = failure(await call(sim, "POST", "/nodes/pve2/storage/local/oci-registry-pull", { form: { reference: "Not A Ref" } }));
    expect(badRef.errors?.reference).toBe("value does not match the regex pattern");

    const created = await done("POST", "/nodes/pve2/lxc", {
      vmid: 4200,
      ostemplate: "local:vztmpl/nginx_1.27.tar",
      rootfs: "local-lvm:2",
      entrypoint: "/docker-entrypoint.sh nginx -g 'daemon off;'",
      env: "NGINX_PORT=80",
    });
    expect(created.exitstatus).toBe("OK");
    expect(sim.model.getGuest(4200)?.config).toMatchObject({ ostype: "unmanaged", entrypoint: "/docker-entrypoint.sh nginx -g 'daemon off;'", env: "NGINX_PORT=80" });
  });
});

describe("backup, restore and volumes", () => {
  it("backs up under lock 'backup' into a named archive with notes, listed by vmid, restorable with force", async () => {
    const g = await newContainer();
    sim.setFaults({ slowTaskFactor: 3 });
    const id = await upid("POST", "/nodes/pve1/vzdump", { vmid: g.vmid, storage: "local", mode: "snapshot", compress: "zstd", "notes-template": "{{guestname}} on {{node}}" });
    expect(id).toMatch(new RegExp(`:vzdump:${g.vmid}:`));
    expect(sim.model.getGuest(g.vmid)?.lock).toBe("backup");
    const locked = failure(await call(sim, "PUT", `${guestPath(g)}/config`, { form: { cores: 2 } }));
    expect(locked).toEqual({ status: 500, message: "CT is locked (backup)" });
    expect((await waitForTask(sim, id)).exitstatus).toBe("OK");
    sim.setFaults({});
    expect(sim.model.getGuest(g.vmid)?.lock).toBeUndefined();
    const log = await logOf(id);
    expect(log[0]).toMatch(new RegExp(`^INFO: starting new backup job: vzdump ${g.vmid} `));
    expect(log).toContain(`INFO: Starting Backup of VM ${g.vmid} (lxc)`);
    expect(log.at(-2)).toBe("INFO: Backup job finished successfully");

    const backups = await data<{ volid: string; vmid: number; notes?: string; format: string; ctime: number; size: number }[]>(
      sim,
      "GET",
      `/nodes/pve1/storage/local/content?content=backup&vmid=${g.vmid}`,
    );
    expect(backups).toHaveLength(1);
    const archive = backups[0]!;
    expect(archive.volid).toMatch(new RegExp(`^local:backup/vzdump-lxc-${g.vmid}-\\d{4}_\\d\\d_\\d\\d-\\d\\d_\\d\\d_\\d\\d\\.tar\\.zst$`));
    expect(archive).toMatchObject({ format: "tar.zst", notes: `ct${g.vmid} on pve1` });
    expect(archive.size).toBeGreaterThan(0);

    const overExisting = failure(await call(sim, "POST", "/nodes/pve1/lxc", { form: { vmid: g.vmid, ostemplate: archive.volid, restore: 1, storage: "local-lvm" } }));
    expect(overExisting.message).toBe(`CT ${g.vmid} already exists on node 'pve1'`);
    sim.model.externalAction(g.vmid, "start");
    const running = failure(await call(sim, "POST", "/nodes/pve1/lxc", { form: { vmid: g.vmid, ostemplate: archive.volid, restore: 1, force: 1, storage: "local-lvm" } }));
    expect(running.message).toBe("can't overwrite running container");
    sim.model.externalAction(g.vmid, "stop");
    const restored = await done("POST", "/nodes/pve1/lxc", { vmid: g.vmid, ostemplate: archive.volid, restore: 1, force: 1, storage: "local-lvm" });
    expect(restored).toMatchObject({ exitstatus: "OK", type: "vzrestore" });
    expect((await logOf(restored.upid))[0]).toBe(`recovering backed-up configuration from '${archive.volid}'`);
    expect(sim.model.getGuest(g.vmid)?.config.rootfs).toBe(`local-lvm:vm-${g.vmid}-disk-1,size=4G`);
    expect(sim.model.volumeCount({ vmid: g.vmid, storage: "local-lvm" })).toBe(1);

    const fresh = await done("POST", "/nodes/pve1/lxc", { vmid: 4300, ostemplate: archive.volid, restore: 1, storage: "local-lvm", hostname: "restored" });
    expect(fresh.exitstatus).toBe("OK");
    expect(sim.model.getGuest(4300)).toMatchObject({ name: "restored", node: "pve1" });

    sim.model.setVolumeProtected(archive.volid, true);
    const refused = await done("DELETE", `/nodes/pve1/storage/local/content/${encodeURIComponent(archive.volid)}`);
    expect(refused.exitstatus).toMatch(/^cannot remove protected archive '\/var\/lib\/vz\/dump\/vzdump-lxc-/);
    sim.model.setVolumeProtected(archive.volid, false);
    const removed = await done("DELETE", `/nodes/pve1/storage/local/content/${encodeURIComponent(archive.volid)}`);
    expect(removed).toMatchObject({ exitstatus: "OK", type: "imgdel" });
    expect(removed.upid).toContain(`:imgdel:${g.vmid}@local:`);
    expect(await logOf(removed.upid)).toEqual([`Removed volume '${archive.volid}'`, "TASK OK"]);
    expect(sim.model.volumeCount({ vmid: g.vmid, content: "backup", storage: "local" })).toBe(0);
  });

  it("reports a locked guest as a job error and restores a VM from a vma archive", async () => {
    const vm = sim.model.createGuest({ type: "qemu", node: "pve1", name: "app-vm", diskGiB: 4 });
    sim.model.lockGuest(vm.vmid, "snapshot");
    const failed = await done("POST", "/nodes/pve1/vzdump", { vmid: vm.vmid, storage: "nas" });
    expect(failed.exitstatus).toBe("job errors");
    expect(await logOf(failed.upid)).toContain(`ERROR: Backup of VM ${vm.vmid} failed - VM is locked (snapshot)`);
    sim.model.unlockGuest(vm.vmid);
    expect((await done("POST", "/nodes/pve1/vzdump", { vmid: vm.vmid, storage: "nas", compress: "zstd" })).exitstatus).toBe("OK");
    const [archive] = sim.model.listVolumes({ storage: "nas", vmid: vm.vmid, content: "backup" });
    expect(archive?.volid).toMatch(/^nas:backup\/vzdump-qemu-\d+-.+\.vma\.zst$/);

    const restored = await done("POST", "/nodes/pve2/qemu", { vmid: 4400, archive: archive!.volid, storage: "local-lvm" });
    expect(restored).toMatchObject({ exitstatus: "OK", type: "qmrestore" });
    expect(sim.model.getGuest(4400)).toMatchObject({ name: "app-vm", node: "pve2", type: "qemu" });
    const notVm = failure(await call(sim, "POST", "/nodes/pve1/vzdump", { form: { vmid: vm.vmid, storage: "local-lvm" } }));
    expect(notVm.message).toBe("can't use storage 'local-lvm' for backups - wrong content type");
  });
});

describe("clone", () => {
  it("refuses a linked clone of a non-template and other PVE conflicts synchronously", async () => {
    const g = await newContainer();
    const linked = failure(await call(sim, "POST", `${guestPath(g)}/clone`, { form: { newid: 4500, full: 0 } }));
    expect(linked.message).toBe(`Linked clone feature for 'local-lvm:vm-${g.vmid}-disk-0' is not available`);
    const vm = sim.model.createGuest({ type: "qemu", node: "pve1" });
    const vmLinked = failure(await call(sim, "POST", `${guestPath(vm)}/clone`, { form: { newid: 4500, full: 0 } }));
    expect(vmLinked.message).toBe("Linked clone feature is not supported for drive 'scsi0'");
    const local = failure(await call(sim, "POST", `${guestPath(g)}/clone`, { form: { newid: 4500, target: "pve2" } }));
    expect(local.message).toBe("can't clone CT to node 'pve2' (CT uses local storage)");
    const noSnap = failure(await call(sim, "POST", `${guestPath(g)}/clone`, { form: { newid: 4500, snapname: "nope" } }));
    expect(noSnap.message).toBe("snapshot 'nope' does not exist");
    const taken = failure(await call(sim, "POST", `${guestPath(g)}/clone`, { form: { newid: g.vmid } }));
    expect(taken.message).toBe(`CT ${g.vmid} already exists on node 'pve1'`);
    expect(sim.model.getGuest(4500)).toBeUndefined();
  });

  it("clones fully to another node over shared storage, locking source 'disk' and target 'create'", async () => {
    const g = await newContainer();
    sim.setFaults({ slowTaskFactor: 3 });
    const id = await upid("POST", `${guestPath(g)}/clone`, { newid: 4600, hostname: "copy", full: 1, storage: "nas", target: "pve3" });
    expect(id).toMatch(new RegExp(`:vzclone:${g.vmid}:`));
    expect(sim.model.getGuest(g.vmid)?.lock).toBe("disk");
    expect(sim.model.getGuest(4600)).toMatchObject({ lock: "create", node: "pve1" });
    expect(await resource(4600)).toMatchObject({ lock: "create" });
    expect((await waitForTask(sim, id)).exitstatus).toBe("OK");
    expect(sim.model.getGuest(g.vmid)?.lock).toBeUndefined();
    const copy = sim.model.getGuest(4600)!;
    expect(copy).toMatchObject({ node: "pve3", name: "copy", template: false });
    expect(copy.lock).toBeUndefined();
    expect(copy.config.rootfs).toBe("nas:4600/vm-4600-disk-0.raw,size=4G");
    expect(copy.config.net0).not.toBe(g.config.net0);
    expect(await resource(4600)).toMatchObject({ node: "pve3" });
  });

  it("makes linked clones of templates and full clones of a snapshot", async () => {
    const template = sim.model.createGuest({ type: "qemu", node: "pve2", template: true, name: "golden" });
    const linked = await done("POST", `${guestPath(template)}/clone`, { newid: 4700, name: "from-golden" });
    expect(linked).toMatchObject({ exitstatus: "OK", type: "qmclone" });
    expect(sim.model.getGuest(4700)?.config.scsi0).toMatch(new RegExp(`^local-lvm:base-${template.vmid}-disk-0/vm-4700-disk-0,`));

    const g = await newContainer({ cores: 1 });
    await done("POST", `${guestPath(g)}/snapshot`, { snapname: "before" });
    await call(sim, "PUT", `${guestPath(g)}/config`, { form: { cores: 4 } });
    expect((await done("POST", `${guestPath(g)}/clone`, { newid: 4701, snapname: "before" })).exitstatus).toBe("OK");
    expect(sim.model.getGuest(4701)).toMatchObject({ cores: 1, snapshots: [] });
  });
});

describe("snapshots", () => {
  it("creates, lists with 'current', rolls back to an older one and deletes one with children", async () => {
    const g = await newContainer({ cores: 1 });
    sim.setFaults({ slowTaskFactor: 3 });
    const first = await upid("POST", `${guestPath(g)}/snapshot`, { snapname: "one", description: "first" });
    expect(first).toMatch(new RegExp(`:vzsnapshot:${g.vmid}:`));
    expect(sim.model.getGuest(g.vmid)?.lock).toBe("snapshot");
    await waitForTask(sim, first);
    sim.setFaults({});
    expect(sim.model.getGuest(g.vmid)?.lock).toBeUndefined();
    await call(sim, "PUT", `${guestPath(g)}/config`, { form: { cores: 2 } });
    expect((await done("POST", `${guestPath(g)}/snapshot`, { snapname: "two" })).exitstatus).toBe("OK");
    const dup = await done("POST", `${guestPath(g)}/snapshot`, { snapname: "two" });
    expect(dup.exitstatus).toBe("snapshot name 'two' already used");
    const reserved = failure(await call(sim, "POST", `${guestPath(g)}/snapshot`, { form: { snapname: "current" } }));
    expect(reserved.message).toBe("unable to use snapshot name 'current' (reserved name)");
    const badName = failure(await call(sim, "POST", `${guestPath(g)}/snapshot`, { form: { snapname: "9lives" } }));
    expect(badName.errors?.snapname).toBe("invalid format - invalid configuration ID '9lives'\n");

    const list = await data<{ name: string; parent?: string; description: string; running?: number }[]>(sim, "GET", `${guestPath(g)}/snapshot`);
    expect(list.map((s) => [s.name, s.parent])).toEqual([["one", undefined], ["two", "one"], ["current", "two"]]);
    expect(list.at(-1)).toMatchObject({ description: "You are here!", running: 0 });

    const back = await done("POST", `${guestPath(g)}/snapshot/one/rollback`);
    expect(back).toMatchObject({ exitstatus: "OK", type: "vzrollback" });
    expect(sim.model.getGuest(g.vmid)?.cores).toBe(1);
    const config = await data<{ parent: string; cores: number }>(sim, "GET", `${guestPath(g)}/config`);
    expect(config).toMatchObject({ parent: "one", cores: 1 });
    const snapConfig = await data<{ cores: number; snaptime: number }>(sim, "GET", `${guestPath(g)}/config?snapshot=two`);
    expect(snapConfig.cores).toBe(2);

    const removed = await done("DELETE", `${guestPath(g)}/snapshot/one`);
    expect(removed).toMatchObject({ exitstatus: "OK", type: "vzdelsnapshot" });
    const after = await data<{ name: string; parent?: string }[]>(sim, "GET", `${guestPath(g)}/snapshot`);
    expect(after.map((s) => [s.name, s.parent])).toEqual([["two", undefined], ["current", undefined]]);
    expect((await done("DELETE", `${guestPath(g)}/snapshot/gone`)).exitstatus).toBe("snapshot 'gone' does not exist");
  });
});

describe("migrate", () => {
  it("needs restart=1 for a running container and moves it under lock 'migrate'", async () => {
    const g = await newContainer();
    sim.model.externalAction(g.vmid, "start");
    const refused = failure(await call(sim, "POST", `${guestPath(g)}/migrate`, { form: { target: "pve2" } }));
    expect(refused.message).toBe("can't migrate running container without --online or --restart");
    const local = failure(await call(sim, "POST", `${guestPath(g)}/migrate`, { form: { target: "pve1", restart: 1 } }));
    expect(local).toEqual({ status: 400, message: "Parameter verification failed.", errors: { target: "target is local node." } });

    sim.setFaults({ slowTaskFactor: 2 });
    const id = await upid("POST", `${guestPath(g)}/migrate`, { target: "pve2", restart: 1 });
    expect(id).toMatch(new RegExp(`:vzmigrate:${g.vmid}:`));
    expect(sim.model.getGuest(g.vmid)).toMatchObject({ lock: "migrate", status: "stopped", node: "pve1" });
    expect((await waitForTask(sim, id)).exitstatus).toBe("OK");
    expect(sim.model.getGuest(g.vmid)).toMatchObject({ node: "pve2", status: "running" });
    expect(sim.model.getGuest(g.vmid)?.lock).toBeUndefined();
    expect(sim.model.volumeCount({ node: "pve2", vmid: g.vmid, storage: "local-lvm" })).toBe(1);
    const log = await logOf(id);
    expect(log[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d starting migration of CT ${g.vmid} to node 'pve2' \\(10\\.10\\.10\\.12\\)$`));
    expect(log.at(-2)).toMatch(/migration finished successfully \(duration \d\d:\d\d:\d\d\)$/);
    expect((await call(sim, "GET", `/nodes/pve1/lxc/${g.vmid}/config`)).status).toBe(500);
  });

  it("needs online=1 for a running VM and aborts towards an offline node", async () => {
    const vm = sim.model.createGuest({ type: "qemu", node: "pve1", status: "running" });
    const refused = failure(await call(sim, "POST", `${guestPath(vm)}/migrate`, { form: { target: "pve2" } }));
    expect(refused.message).toBe("can't migrate running VM without --online");
    sim.model.setNodeOnline("pve3", false);
    try {
      const aborted = await done("POST", `${guestPath(vm)}/migrate`, { target: "pve3", online: 1 });
      expect(aborted.exitstatus).toBe("migration aborted");
      expect((await logOf(aborted.upid)).join("\n")).toContain("ERROR: migration aborted (duration 00:00:00): Can't connect to destination address using public key");
      expect(sim.model.getGuest(vm.vmid)).toMatchObject({ node: "pve1", status: "running" });
      expect(sim.model.getGuest(vm.vmid)?.lock).toBeUndefined();
    } finally {
      sim.model.setNodeOnline("pve3", true);
    }
    expect((await done("POST", `${guestPath(vm)}/migrate`, { target: "pve3", online: 1 })).exitstatus).toBe("OK");
    expect(sim.model.getGuest(vm.vmid)).toMatchObject({ node: "pve3", status: "running" });
  });
});

describe("config, resize, interfaces and destroy", () => {
  it("updates the config synchronously with digest checks, and grows but never shrinks a disk", async () => {
    const g = await newContainer();
    const before = await data<{ digest: string }>(sim, "GET", `${guestPath(g)}/config`);
    const put = await call(sim, "PUT", `${guestPath(g)}/config`, { form: { cores: 3, memory: 2048, description: "db", protection: 1, digest: before.digest } });
    expect(JSON.parse(put.body)).toEqual({ data: null });
    const after = await data<{ digest: string; cores: number; memory: number; protection: number; description: string }>(sim, "GET", `${guestPath(g)}/config`);
    expect(after).toMatchObject({ cores: 3, memory: 2048, protection: 1, description: "db" });
    const stale = failure(await call(sim, "PUT", `${guestPath(g)}/config`, { form: { cores: 1, digest: before.digest } }));
    expect(stale.message).toBe("detected modified configuration - file changed by other user? Try again.");

    const grown = await done("PUT", `${guestPath(g)}/resize`, { disk: "rootfs", size: "+2G" });
    expect(grown).toMatchObject({ exitstatus: "OK", type: "resize" });
    expect(sim.model.getGuest(g.vmid)).toMatchObject({ maxdiskBytes: 6 * 1024 ** 3, config: expect.objectContaining({ rootfs: `local-lvm:vm-${g.vmid}-disk-0,size=6G` }) });
    const shrink = await done("PUT", `${guestPath(g)}/resize`, { disk: "rootfs", size: "1G" });
    expect(shrink.exitstatus).toBe("unable to shrink disk size");
    const vm = sim.model.createGuest({ type: "qemu", node: "pve1", diskGiB: 32 });
    expect((await done("PUT", `${guestPath(vm)}/resize`, { disk: "scsi0", size: "16G" })).exitstatus).toBe("shrinking disks is not supported");
    const badSize = failure(await call(sim, "PUT", `${guestPath(vm)}/resize`, { form: { disk: "scsi0", size: "-1G" } }));
    expect(badSize.errors?.size).toBe("value does not match the regex pattern");
  });

  it("lists a running container's interfaces with a per-vmid address", async () => {
    const g = await newContainer();
    const stopped = failure(await call(sim, "GET", `${guestPath(g)}/interfaces`));
    expect(stopped.message).toBe(`CT ${g.vmid} not running`);
    sim.model.externalAction(g.vmid, "start");
    const nics = await data<{ name: string; hwaddr: string; inet?: string; inet6?: string }[]>(sim, "GET", `${guestPath(g)}/interfaces`);
    expect(nics.map((n) => n.name)).toEqual(["lo", "eth0"]);
    const eth0 = nics[1]!;
    expect(eth0.inet).toMatch(/^10\.20\.\d+\.\d+\/24$/);
    expect(eth0.inet6).toMatch(/^fe80::/);
    expect(await data(sim, "GET", `${guestPath(g)}/interfaces`)).toEqual(nics);
  });

  it("refuses to destroy running, protected or locked guests, then removes one with its snapshots", async () => {
    const g = await newContainer();
    await done("POST", `${guestPath(g)}/snapshot`, { snapname: "keep" });
    await done("POST", "/nodes/pve1/vzdump", { vmid: g.vmid, storage: "local" });
    sim.model.externalAction(g.vmid, "start");
    expect(failure(await call(sim, "DELETE", guestPath(g))).message).toBe(`unable to destroy CT ${g.vmid} - container is running`);
    sim.model.externalAction(g.vmid, "stop");
    sim.model.setProtection(g.vmid, true);
    expect(failure(await call(sim, "DELETE", guestPath(g))).message).toBe(`can't remove CT ${g.vmid} - protection mode enabled`);
    sim.model.setProtection(g.vmid, false);
    sim.model.lockGuest(g.vmid, "backup");
    expect(failure(await call(sim, "DELETE", guestPath(g))).message).toBe("CT is locked (backup)");
    sim.model.unlockGuest(g.vmid);

    const vm = sim.model.createGuest({ type: "qemu", node: "pve1", status: "running" });
    expect(failure(await call(sim, "DELETE", guestPath(vm))).message).toBe(`VM ${vm.vmid} is running - destroy failed`);

    const count = sim.model.guestCount();
    const gone = await done("DELETE", `${guestPath(g)}?purge=1`);
    expect(gone).toMatchObject({ exitstatus: "OK", type: "vzdestroy" });
    expect(sim.model.guestCount()).toBe(count - 1);
    expect(await resource(g.vmid)).toBeUndefined();
    expect(sim.model.volumeCount({ vmid: g.vmid, content: "rootdir" })).toBe(0);
    expect(sim.model.volumeCount({ vmid: g.vmid, content: "backup" })).toBe(1);
  });
});

describe("faults and permissions on the new endpoints", () => {
  it("answers 403 to the auditor, 595 for an unreachable node and fails armed or injected tasks", async () => {
    const denied = await call(sim, "POST", "/nodes/pve1/lxc", { token: sim.auditorToken, form: { vmid: 4800, ostemplate: DEBIAN } });
    expect([denied.status, denied.reason]).toEqual([403, "Permission check failed (/vms/4800, VM.Allocate)"]);
    sim.setFaults({ unreachableNodes: ["pve2"] });
    expect((await call(sim, "POST", "/nodes/pve2/vzdump", { form: { vmid: 100 } })).status).toBe(595);
    sim.setFaults({ failTasks: [{ type: "vzsnapshot", message: "snapshot feature is not available" }] });
    const g = sim.model.findGuestsByName(sim.model.listGuests().find((x) => x.type === "lxc" && x.node === "pve1" && !x.lock)!.name)[0]!;
    const failed = await done("POST", `${guestPath(g)}/snapshot`, { snapname: "faulty" });
    expect(failed.exitstatus).toBe("snapshot feature is not available");
    expect(sim.model.getGuest(g.vmid)?.lock).toBeUndefined();
    expect(sim.model.getGuest(g.vmid)?.snapshots).not.toContain("faulty");
  });
});
