export { CatalogApp, type Catalog, type CatalogProblem } from "./app.ts";
export { loadCatalog, MAX_APPS } from "./load.ts";
export { MAX_FILE_BYTES } from "./read.ts";
export { DeploymentChoice, hostnameFor, planDeployment, type DeploymentPlan, type DeploymentRefusal, type PlanResult } from "./plan.ts";
export { RandomSourceError } from "./secret.ts";
