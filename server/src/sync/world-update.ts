import { sameObservedGuest } from "./same-guest.ts";
import type { EstateUpdate, ObservedGuest, PlacedHost } from "./model.ts";

/** The observation last sent to the world, by key: the base the next cycle's update is taken against. */
export interface SentEstate {
  hosts: Map<string, PlacedHost>;
  guests: Map<number, ObservedGuest>;
}

/**
 * What to send the world after a cycle, and the new base. With no base (the first cycle, after a failure,
 * or when a listener asked for whole estates) or when the set of hosts changed, the update is full;
 * otherwise it holds only what changed, so the projection's work follows the changes, not the estate.
 * `sent` is advanced in place for a partial update: the caller keeps the returned base only.
 */
export function worldUpdate(
  sent: SentEstate | null,
  hosts: readonly PlacedHost[],
  guests: readonly ObservedGuest[],
): { update: EstateUpdate; sent: SentEstate } {
  if (sent === null || !sameHostSet(sent.hosts, hosts)) return fullUpdate(hosts, guests);

  const changedHosts: PlacedHost[] = [];
  for (const host of hosts) {
    if (!sameHost(sent.hosts.get(host.node)!, host)) {
      changedHosts.push(host);
      sent.hosts.set(host.node, host);
    }
  }
  const changedGuests: ObservedGuest[] = [];
  const sentBefore = sent.guests.size;
  let stillThere = 0;
  for (const guest of guests) {
    const previous = sent.guests.get(guest.vmid);
    if (previous !== undefined) stillThere++;
    if (previous === undefined || !sameObservedGuest(previous, guest)) {
      changedGuests.push(guest);
      sent.guests.set(guest.vmid, guest);
    }
  }
  // Counting the guests seen again spares building a set of 10,000 vmids on the cycles where none went.
  const guestsRemoved: number[] = [];
  if (stillThere < sentBefore) {
    const observed = new Set(guests.map((g) => g.vmid));
    for (const vmid of sent.guests.keys()) {
      if (!observed.has(vmid)) {
        guestsRemoved.push(vmid);
        sent.guests.delete(vmid);
      }
    }
  }
  return { update: { full: false, hosts: changedHosts, guests: changedGuests, guestsRemoved }, sent };
}

function fullUpdate(hosts: readonly PlacedHost[], guests: readonly ObservedGuest[]): { update: EstateUpdate; sent: SentEstate } {
  return {
    update: { full: true, hosts: [...hosts], guests: [...guests], guestsRemoved: [] },
    sent: { hosts: new Map(hosts.map((h) => [h.node, h])), guests: new Map(guests.map((g) => [g.vmid, g])) },
  };
}

function sameHostSet(sent: ReadonlyMap<string, PlacedHost>, hosts: readonly PlacedHost[]): boolean {
  return sent.size === hosts.length && hosts.every((h) => sent.has(h.node));
}

// Field by field rather than over a list of keys: this runs for every guest of every cycle, and plain
// property reads on objects of one shape are what V8 makes fastest. world-update.test.ts changes each
// field alone, so a field added to the model and forgotten here fails there.
function sameHost(a: PlacedHost, b: PlacedHost): boolean {
  return (
    a.node === b.node &&
    a.status === b.status &&
    a.maxCpu === b.maxCpu &&
    a.maxMemMiB === b.maxMemMiB &&
    a.cpu === b.cpu &&
    a.memMiB === b.memMiB &&
    a.uptime === b.uptime &&
    a.rackId === b.rackId &&
    a.slot === b.slot
  );
}
