/** Texts real PVE produces in the failure situations the fault injection simulates. */

/** Messages of 500s that a loaded or degraded cluster answers to otherwise valid requests. */
export const SERVER_ERROR_MESSAGES = [
  "got timeout",
  "cluster not ready - no quorum?",
  "cfs-lock 'file-user_cfg' error: got lock request timeout",
  "unable to read file '/etc/pve/.vmlist' - Input/output error",
  "error with cfs lock 'domain-ha': got lock request timeout",
] as const;

/** Realistic exitstatus for a task that fails in its worker, by task type. */
export function taskFailureMessage(type: string, id: string): string {
  switch (type) {
    case "vzstart":
    case "vzreboot":
      return `startup for container '${id}' failed`;
    case "vzstop":
      return `command 'lxc-stop -n ${id} --kill' failed: exit code 1`;
    case "vzshutdown":
      return `command 'lxc-stop -n ${id} --nokill --timeout 60' failed: exit code 1`;
    case "qmstart":
      return "start failed: QEMU exited with code 1";
    case "qmstop":
      return `VM ${id} qmp command 'quit' failed - unable to connect to VM ${id} qmp socket - timeout after 51 retries`;
    case "qmshutdown":
    case "qmreboot":
      return "VM quit/powerdown failed - got timeout";
    case "vzcreate":
      return `unable to create CT ${id} - command 'lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536 -- tar xpf - --zstd' failed: exit code 2`;
    case "vzrestore":
      return `unable to restore CT ${id} - command 'tar xpf - --zstd' failed: exit code 2`;
    case "qmrestore":
      return `command 'set -o pipefail && zstd -q -d -c | vma extract -v -r' failed: exit code 133`;
    case "vzclone":
    case "qmclone":
      return "clone failed: command 'qemu-img convert' failed: exit code 1";
    case "vzmigrate":
    case "qmigrate":
      return "migration aborted";
    case "vzdump":
      return "job errors";
    case "vzsnapshot":
    case "qmsnapshot":
      return "snapshot create failed: starting cleanup";
    case "download":
      return "failed to pull OCI image: connection timed out";
    default:
      return "command failed: exit code 1";
  }
}

/** ±20 % jitter around a base delay. */
export function jittered(baseMs: number, random: number): number {
  return Math.max(0, baseMs * (0.8 + random * 0.4));
}
