import type { GuestRecord } from "./records.ts";

export interface SearchHit {
  guest: GuestRecord;
  /** Lower is better: exact VMID, name prefix, tag, then substring. */
  rank: number;
}

/**
 * Finds guests by VMID, name or tag. Case-insensitive; exact VMIDs and names first, then prefixes, then tags, then
 * substrings; ties by name then VMID so results are stable.
 */
export function searchGuests(guests: Iterable<GuestRecord>, query: string, limit = 8): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [];
  const tagQuery = q.startsWith("#") ? q.slice(1) : q;
  const hits: SearchHit[] = [];
  for (const guest of guests) {
    const name = guest.name.toLowerCase();
    const vmid = String(guest.vmid);
    let rank = -1;
    if (vmid === q || name === q) rank = 0;
    else if (vmid.startsWith(q) || name.startsWith(q)) rank = 1;
    else if (guest.tags.some((t) => t.toLowerCase() === tagQuery)) rank = 2;
    else if (name.includes(q) || guest.tags.some((t) => t.toLowerCase().includes(tagQuery))) rank = 3;
    if (rank >= 0) hits.push({ guest, rank });
  }
  hits.sort((a, b) => a.rank - b.rank || a.guest.name.localeCompare(b.guest.name) || a.guest.vmid - b.guest.vmid);
  return hits.slice(0, limit);
}
