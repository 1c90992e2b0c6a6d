import type { SecretBox } from "../secrets/box.ts";
import type { Sql } from "./sql.ts";

/** What a deployment needs at run time that must not sit in plain text: generated secrets and the environment using them. */
export interface DeploymentSecrets {
  secrets: Array<{ name: string; value: string }>;
  env: Record<string, string>;
}

export async function storeDeploymentSecrets(sql: Sql, box: SecretBox, operationId: string, value: DeploymentSecrets): Promise<void> {
  await sql.query("INSERT INTO deployment_secrets (operation_id, sealed) VALUES ($1, $2)", [operationId, box.seal(JSON.stringify(value))]);
}

export async function readDeploymentSecrets(sql: Sql, box: SecretBox, operationId: string): Promise<DeploymentSecrets | null> {
  const { rows } = await sql.query<{ sealed: string }>("SELECT sealed FROM deployment_secrets WHERE operation_id = $1", [operationId]);
  return rows[0] ? (JSON.parse(box.open(rows[0].sealed)) as DeploymentSecrets) : null;
}

export type RevealResult = { state: "revealed"; value: DeploymentSecrets } | { state: "already_revealed" } | { state: "none" };

/** Hands the secrets out once: the first call gets them, later calls learn they were shown already. */
export async function revealDeploymentSecrets(sql: Sql, box: SecretBox, operationId: string, now: Date): Promise<RevealResult> {
  const { rows } = await sql.query<{ sealed: string }>(
    "UPDATE deployment_secrets SET revealed_at = $2 WHERE operation_id = $1 AND revealed_at IS NULL RETURNING sealed",
    [operationId, now],
  );
  if (rows[0]) return { state: "revealed", value: JSON.parse(box.open(rows[0].sealed)) as DeploymentSecrets };
  const { rows: seen } = await sql.query("SELECT 1 FROM deployment_secrets WHERE operation_id = $1", [operationId]);
  return seen.length > 0 ? { state: "already_revealed" } : { state: "none" };
}
