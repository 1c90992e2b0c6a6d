import type { GuestType } from "../proxmox/index.ts";

/** Proxmox's task type names (the UPID's type field), per guest type: used to find a task again after a crash. */
export const TASK_TYPES = {
  lxc: {
    start: "vzstart",
    stop: "vzstop",
    shutdown: "vzshutdown",
    reboot: "vzreboot",
    create: "vzcreate",
    restore: "vzrestore",
    clone: "vzclone",
    migrate: "vzmigrate",
    snapshot: "vzsnapshot",
    rollback: "vzrollback",
    delsnapshot: "vzdelsnapshot",
    destroy: "vzdestroy",
    resize: "resize",
  },
  qemu: {
    start: "qmstart",
    stop: "qmstop",
    shutdown: "qmshutdown",
    reboot: "qmreboot",
    create: "qmcreate",
    restore: "qmrestore",
    clone: "qmclone",
    migrate: "qmigrate",
    snapshot: "qmsnapshot",
    rollback: "qmrollback",
    delsnapshot: "qmdelsnapshot",
    destroy: "qmdestroy",
    resize: "resize",
  },
} as const satisfies Record<GuestType, Record<string, string>>;

export type GuestTaskName = keyof (typeof TASK_TYPES)["lxc"];

export const taskTypeFor = (type: GuestType, task: GuestTaskName): string => TASK_TYPES[type][task];

/** Storage and node tasks, whatever the guest type. */
export const VZDUMP_TASK = "vzdump";
export const VOLUME_DELETE_TASK = "imgdel";
/** Proxmox files an OCI image pull as a download task. */
export const OCI_PULL_TASK = "download";
