import { describe, expect, it } from "vitest";
import { createUiSounds } from "../audio/uiSounds.ts";
import { Estate } from "../model/estate.ts";
import { guestLedState } from "../model/ledState.ts";
import { fillSampleEstate } from "../model/sampleEstate.ts";
import { CommandRunner, refusalMessage, type SendCommand } from "./commandRunner.ts";

function setup(send: SendCommand | null, confirmAnswer = true) {
  const estate = new Estate();
  fillSampleEstate(estate, { clusters: 1, hostsPerCluster: 1, guestsPerHost: 3, hostsPerRack: 1 });
  estate.flush();
  const events: string[] = [];
  const asked: string[] = [];
  const runner = new CommandRunner({
    estate,
    sounds: createUiSounds({ volume: 0, createContext: () => null }),
    send: () => send,
    confirm: async (_title, message, _label, typed) => {
      asked.push(typed === undefined ? message : `${message} [type ${typed}]`);
      return confirmAnswer;
    },
    onRefused: (key, message) => events.push(`refused ${key}: ${message}`),
    onOutcome: (key, ok, message) => events.push(`${ok ? "ok" : "failed"} ${key}: ${message}`),
  });
  const running = [...estate.guests.values()].find((g) => g.status === "running")!;
  return { estate, runner, events, asked, running };
}

describe("CommandRunner", () => {
  it("asks before stopping, sends the shared payload, shows the guest busy at once, and reports the outcome", async () => {
    const sent: unknown[] = [];
    let resolveSend!: (v: { operationId: string }) => void;
    const send: SendCommand = (name, payload) => {
      sent.push([name, payload]);
      return new Promise((r) => (resolveSend = r));
    };
    const { estate, runner, events, asked, running } = setup(send);
    const pending = runner.run(running.key, "guest.stop");
    await Promise.resolve();
    await Promise.resolve();
    expect(asked[0]).toContain(running.name);
    expect(sent).toEqual([["guest.stop", { cluster: running.clusterId, vmid: running.vmid }]]);
    expect(guestLedState(estate, running.key)).toBe("busy");

    resolveSend({ operationId: "op-9" });
    await pending;
    estate.upsertOperation({ id: "op-9", kind: "stop", clusterId: running.clusterId, vmid: running.vmid, node: running.node, requestedBy: "me", state: "failed", progress: 1, message: "", error: "VM is locked (backup)", createdAt: 1, finishedAt: 2, targetVmid: 0, targetNode: "", summary: "" });
    estate.flush();
    expect(events).toEqual([`failed ${running.key}: VM is locked (backup)`]);
  });

  it("does nothing when the confirmation is declined", async () => {
    const sent: unknown[] = [];
    const { runner, running } = setup(async (name) => (sent.push(name), { operationId: "x" }), false);
    await runner.run(running.key, "guest.reboot");
    expect(sent).toEqual([]);
  });

  it("reports the server's refusal message and clears the busy cue", async () => {
    const refusal = Object.assign(new Error("request rejected"), { name: "rejected", reason: { code: "busy", message: "web-01 is already being rebooted." } });
    const { estate, runner, events, running } = setup(async () => Promise.reject(refusal));
    await runner.run(running.key, "guest.shutdown");
    expect(events).toEqual([`refused ${running.key}: web-01 is already being rebooted.`]);
    expect(estate.isPending(running.key)).toBe(false);
  });

  it("asks with the shared text for a payload, and has the guest's name typed before deleting", async () => {
    const sent: unknown[] = [];
    const { runner, asked, running } = setup(async (name, payload) => (sent.push([name, payload]), { operationId: "op-1" }));
    await runner.send("guest.migrate", { cluster: running.clusterId, vmid: running.vmid, node: "pve-9" }, running.key);
    expect(asked[0]).toContain(`to pve-9`);
    await runner.send("guest.delete", { cluster: running.clusterId, vmid: running.vmid, confirmName: "" }, running.key);
    expect(asked[1]).toContain(`[type ${running.name}]`);
    expect(sent[1]).toEqual(["guest.delete", { cluster: running.clusterId, vmid: running.vmid, confirmName: running.name }]);
  });

  it("still asks before deleting the backup of a guest that is gone, and refuses it without a description", async () => {
    const sent: unknown[] = [];
    const { runner, asked } = setup(async (name, payload) => (sent.push([name, payload]), { operationId: "op-b" }));
    const volid = "local:backup/vzdump-lxc-999-2026_01_01-00_00_00.tar.zst";
    expect(await runner.send("backup.delete", { cluster: "c0", vmid: 999, volid }, null)).toBeNull();
    expect(sent).toEqual([]);
    const gone = { name: "guest 999", vmid: 999, type: "lxc", node: "pve-1" };
    expect(await runner.send("backup.delete", { cluster: "c0", vmid: 999, volid }, null, gone)).toBe("op-b");
    expect(asked).toEqual([`Delete backup ${volid} of guest 999 (999)? It cannot be restored afterwards.`]);
    expect(sent).toEqual([["backup.delete", { cluster: "c0", vmid: 999, volid }]]);
  });

  it("deploys without a guest and reports the outcome with the operation's summary", async () => {
    const { estate, runner, events } = setup(async () => ({ operationId: "op-d" }));
    expect(await runner.send("app.deploy", { cluster: "c0", app: "gitea" }, null)).toBe("op-d");
    estate.upsertOperation({ id: "op-d", kind: "deploy", clusterId: "c0", vmid: 0, node: "n", requestedBy: "me", state: "succeeded", progress: 1, message: "", error: "", createdAt: 1, finishedAt: 2, targetVmid: 140, targetNode: "n", summary: "Deploy Gitea as gitea on n" });
    estate.flush();
    expect(events).toEqual(["ok null: Deploy Gitea as gitea on n — done."]);
  });

  it("explains a closed connection", () => {
    expect(refusalMessage(new Error('cannot send request "guest.stop": connection is not open.'))).toMatch(/Not connected/);
  });
});
