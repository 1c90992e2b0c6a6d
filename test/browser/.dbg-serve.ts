import { startProximity } from "../support/proximity.ts";
const p = await startProximity();
console.log("URL", p.httpUrl, JSON.stringify(p.sim.model.listGuests().slice(0, 5).map((g) => [g.vmid, g.status, g.lock, g.node])), p.sim.model.listGuests().length);
setInterval(() => {}, 1000);
