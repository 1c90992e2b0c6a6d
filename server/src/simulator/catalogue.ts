/**
 * Realistic homelab/small-business workloads the estate generator draws from. Each entry says which
 * guest type it usually runs as, how big it typically is, and what tags an admin would give it.
 */
import type { GuestType } from "./state.ts";

export interface ServiceProfile {
  name: string;
  type: GuestType;
  role: string;
  cores: readonly number[];
  memory: readonly number[];
  diskGiB: readonly number[];
}

const small = { cores: [1, 2], memory: [512, 1024, 2048], diskGiB: [4, 8, 16] } as const;
const medium = { cores: [2, 4], memory: [2048, 4096], diskGiB: [16, 32, 64] } as const;
const vm = { cores: [2, 4, 8], memory: [4096, 8192, 16384], diskGiB: [32, 64, 128] } as const;

export const SERVICES: readonly ServiceProfile[] = [
  { name: "nginx-proxy", type: "lxc", role: "web", ...small },
  { name: "traefik", type: "lxc", role: "web", ...small },
  { name: "postgres-main", type: "lxc", role: "db", ...medium },
  { name: "mariadb", type: "lxc", role: "db", ...medium },
  { name: "redis-cache", type: "lxc", role: "db", ...small },
  { name: "gitea", type: "lxc", role: "dev", ...medium },
  { name: "gitlab-runner", type: "qemu", role: "dev", ...vm },
  { name: "jenkins", type: "qemu", role: "dev", ...vm },
  { name: "jellyfin", type: "lxc", role: "media", ...medium },
  { name: "plex", type: "lxc", role: "media", ...medium },
  { name: "sonarr", type: "lxc", role: "media", ...small },
  { name: "radarr", type: "lxc", role: "media", ...small },
  { name: "home-assistant", type: "qemu", role: "home", cores: [2], memory: [2048, 4096], diskGiB: [32] },
  { name: "mosquitto", type: "lxc", role: "home", ...small },
  { name: "zigbee2mqtt", type: "lxc", role: "home", ...small },
  { name: "grafana", type: "lxc", role: "monitoring", ...small },
  { name: "prometheus", type: "lxc", role: "monitoring", ...medium },
  { name: "loki", type: "lxc", role: "monitoring", ...medium },
  { name: "uptime-kuma", type: "lxc", role: "monitoring", ...small },
  { name: "pihole", type: "lxc", role: "infra", ...small },
  { name: "adguard", type: "lxc", role: "infra", ...small },
  { name: "wireguard", type: "lxc", role: "infra", ...small },
  { name: "unifi-controller", type: "lxc", role: "infra", ...medium },
  { name: "opnsense", type: "qemu", role: "infra", cores: [2, 4], memory: [4096, 8192], diskGiB: [32] },
  { name: "dc01", type: "qemu", role: "infra", ...vm },
  { name: "nextcloud", type: "lxc", role: "web", ...medium },
  { name: "vaultwarden", type: "lxc", role: "security", ...small },
  { name: "keycloak", type: "lxc", role: "security", ...medium },
  { name: "paperless-ngx", type: "lxc", role: "docs", ...medium },
  { name: "minio", type: "lxc", role: "storage", ...medium },
  { name: "truenas", type: "qemu", role: "storage", cores: [4], memory: [16384, 32768], diskGiB: [32] },
  { name: "k8s-master", type: "qemu", role: "k8s", ...vm },
  { name: "k8s-worker", type: "qemu", role: "k8s", ...vm },
  { name: "docker-host", type: "qemu", role: "dev", ...vm },
  { name: "win11-desktop", type: "qemu", role: "desktop", cores: [4, 8], memory: [8192, 16384], diskGiB: [64, 128] },
  { name: "ubuntu-dev", type: "qemu", role: "dev", ...vm },
  { name: "mail", type: "lxc", role: "web", ...medium },
  { name: "elasticsearch", type: "qemu", role: "db", ...vm },
  { name: "rabbitmq", type: "lxc", role: "db", ...medium },
  { name: "syncthing", type: "lxc", role: "storage", ...small },
];

export const TEMPLATES: readonly { name: string; type: GuestType }[] = [
  { name: "debian-12-cloudinit", type: "qemu" },
  { name: "ubuntu-2404-cloudinit", type: "qemu" },
  { name: "debian-12-base", type: "lxc" },
];

export const ENVIRONMENTS = ["prod", "prod", "prod", "staging", "dev"] as const;

export const LXC_OSTYPES = ["debian", "debian", "ubuntu", "alpine"] as const;

export const CT_TEMPLATES: readonly { file: string; format: string; size: number; ostype: string; always?: boolean }[] = [
  { file: "debian-12-standard_12.7-1_amd64.tar.zst", format: "tzst", size: 126_342_421, ostype: "debian", always: true },
  { file: "debian-13-standard_13.1-2_amd64.tar.zst", format: "tzst", size: 131_870_208, ostype: "debian", always: true },
  { file: "ubuntu-24.04-standard_24.04-2_amd64.tar.zst", format: "tzst", size: 141_228_032, ostype: "ubuntu", always: true },
  { file: "alpine-3.21-default_20241217_amd64.tar.xz", format: "txz", size: 3_221_504, ostype: "alpine" },
  { file: "rockylinux-9-default_20240912_amd64.tar.xz", format: "txz", size: 102_430_720, ostype: "centos" },
];

export const ISOS = [
  { file: "debian-12.9.0-amd64-netinst.iso", size: 662_700_032 },
  { file: "ubuntu-24.04.1-live-server-amd64.iso", size: 2_773_874_688 },
  { file: "virtio-win-0.1.266.iso", size: 734_347_264 },
  { file: "proxmox-backup-server_4.0-1.iso", size: 1_429_864_448 },
] as const;

export const HARDWARE = [
  { model: "AMD EPYC 7443P 24-Core Processor", sockets: 1, cores: 24, threads: 48, mhz: "2850.000", memGiB: [128, 256] },
  { model: "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", sockets: 2, cores: 32, threads: 128, mhz: "2000.000", memGiB: [256, 512] },
  { model: "AMD Ryzen 9 7950X 16-Core Processor", sockets: 1, cores: 16, threads: 32, mhz: "4500.000", memGiB: [64, 128] },
  { model: "Intel(R) Xeon(R) E-2388G CPU @ 3.20GHz", sockets: 1, cores: 8, threads: 16, mhz: "3200.000", memGiB: [64, 128] },
] as const;
