import type { OperationKind } from "../../../shared/src/protocol.ts";
import { runAdopt } from "./kinds/adopt.ts";
import { runBackup, runBackupDelete } from "./kinds/backups.ts";
import { cleanUpClone, runClone } from "./kinds/clone.ts";
import { runDelete } from "./kinds/delete.ts";
import { cleanUpDeploy, runDeploy } from "./kinds/deploy.ts";
import { runMigrate } from "./kinds/migrate.ts";
import { runPowerAction } from "./kinds/power.ts";
import { runResize } from "./kinds/resize.ts";
import { cleanUpRestore, runRestore } from "./kinds/restore.ts";
import { runSnapshot, runSnapshotDelete, runSnapshotRollback } from "./kinds/snapshots.ts";
import type { OperationOutcome } from "./outcome.ts";
import type { StepEnv } from "./task-step.ts";

export interface OperationHandler {
  run(env: StepEnv): Promise<OperationOutcome>;
  /** After a final failure: removes what the operation created; returns what it removed, in words. */
  cleanUp?(env: StepEnv): Promise<string[]>;
}

export const HANDLERS: Record<OperationKind, OperationHandler> = {
  start: { run: runPowerAction },
  stop: { run: runPowerAction },
  shutdown: { run: runPowerAction },
  reboot: { run: runPowerAction },
  deploy: { run: runDeploy, cleanUp: cleanUpDeploy },
  clone: { run: runClone, cleanUp: cleanUpClone },
  backup: { run: runBackup },
  restore: { run: runRestore, cleanUp: cleanUpRestore },
  backup_delete: { run: runBackupDelete },
  migrate: { run: runMigrate },
  resize: { run: runResize },
  snapshot: { run: runSnapshot },
  snapshot_rollback: { run: runSnapshotRollback },
  snapshot_delete: { run: runSnapshotDelete },
  delete: { run: runDelete },
  adopt: { run: runAdopt },
};
