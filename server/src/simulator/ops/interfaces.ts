/**
 * GET /nodes/{node}/lxc/{vmid}/interfaces: what `ip addr` shows inside a running container. eth0
 * carries the static address from net0, or for DHCP a deterministic lease derived from the vmid.
 */
import type { Cluster } from "../cluster.ts";
import { dieError } from "../errors.ts";
import { ipFor } from "../estate.ts";
import { loadGuestSync } from "./common.ts";

export function containerInterfaces(cluster: Cluster, node: string, vmid: number): Record<string, unknown>[] {
  const g = loadGuestSync(cluster, node, "lxc", vmid);
  if (g.status !== "running") throw dieError(`CT ${vmid} not running`);
  const net0 = String(g.config.net0 ?? "");
  const hwaddr = (/hwaddr=([0-9A-Fa-f:]{17})/.exec(net0)?.[1] ?? "BC:24:11:00:00:00").toLowerCase();
  const staticIp = /(?:^|,)ip=(\d+\.\d+\.\d+\.\d+\/\d+)/.exec(net0)?.[1];
  const inet = staticIp ?? ipFor(vmid).replace(/\/16$/, "/24");
  const inet6 = `fe80::${eui64(hwaddr)}/64`;
  const [ip4, prefix4] = inet.split("/");
  return [
    {
      name: "lo",
      hwaddr: "00:00:00:00:00:00",
      "hardware-address": "00:00:00:00:00:00",
      inet: "127.0.0.1/8",
      inet6: "::1/128",
      "ip-addresses": [
        { "ip-address": "127.0.0.1", "ip-address-type": "inet", prefix: 8 },
        { "ip-address": "::1", "ip-address-type": "inet6", prefix: 128 },
      ],
    },
    {
      name: "eth0",
      hwaddr,
      "hardware-address": hwaddr,
      inet,
      inet6,
      "ip-addresses": [
        { "ip-address": ip4, "ip-address-type": "inet", prefix: Number(prefix4) },
        { "ip-address": inet6.split("/")[0], "ip-address-type": "inet6", prefix: 64 },
      ],
    },
  ];
}

/** The link-local interface id SLAAC derives from a MAC (universal/local bit flipped, ff:fe inserted). */
function eui64(mac: string): string {
  const b = mac.split(":").map((h) => parseInt(h, 16));
  const bytes = [(b[0] ?? 0) ^ 2, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]].map((x) => x ?? 0);
  const groups = [0, 2, 4, 6].map((i) => (((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return groups.join(":");
}
