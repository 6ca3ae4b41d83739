import type { ConditionalMigration } from './conditional';
import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { ScheduleFiringState1765100000000 } from './1765100000000-ScheduleFiringState';
import { NativeSchedulerFlag1765100000001 } from './1765100000001-NativeSchedulerFlag';
import { AgentMemories1765200000000 } from './1765200000000-AgentMemories';
import { ApprovalRequests1765200000001 } from './1765200000001-ApprovalRequests';
import { WorkflowCheckpoints1765200000002 } from './1765200000002-WorkflowCheckpoints';
import { PlatformInstructions1765200000003 } from './1765200000003-PlatformInstructions';
import { WorkspaceTokenUsage1765200000004 } from './1765200000004-WorkspaceTokenUsage';
import { OrgPluginAllowlist1765300000000 } from './1765300000000-OrgPluginAllowlist';
import { WorkspaceReconciler1765000000000 } from './1765000000000-WorkspaceReconciler';
import { WorkspaceImageDigests1765500000000 } from './1765500000000-WorkspaceImageDigests';
import { InFlightLeases1765900000000 } from './1765900000000-InFlightLeases';

/** Every migration, in the order it must run. New migrations are appended here. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  WorkspaceReconciler1765000000000,
  ScheduleFiringState1765100000000,
  NativeSchedulerFlag1765100000001,
  AgentMemories1765200000000,
  ApprovalRequests1765200000001,
  WorkflowCheckpoints1765200000002,
  PlatformInstructions1765200000003,
  WorkspaceTokenUsage1765200000004,
  OrgPluginAllowlist1765300000000,
  WorkspaceImageDigests1765500000000,
  InFlightLeases1765900000000,
];

/**
 * Migrations only some servers can take (see `conditional.ts`), run after `MIGRATIONS` and
 * recorded only once they really ran. None yet: similarity search (pgvector) is not built.
 */
export const CONDITIONAL_MIGRATIONS: readonly ConditionalMigration[] = [];
