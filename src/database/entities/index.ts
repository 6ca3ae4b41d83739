import { A2AQueueEntity } from './a2a-queue.entity';
import { ActivityLogEntity } from './activity-log.entity';
import { CanvasLayoutEntity, CanvasViewportEntity, WorkspaceConfigEntity } from './canvas.entity';
import {
  AgentMemoryEntity,
  ApprovalRequestEntity,
  PlatformInstructionEntity,
  WorkflowCheckpointEntity,
  WorkspaceTokenUsageEntity,
} from './memory.entity';
import { OrgPluginAllowlistEntity } from './org-plugin-allowlist.entity';
import { WorkspaceScheduleEntity } from './schedule.entity';
import { GlobalSecretEntity, WorkspaceSecretEntity } from './secret.entity';
import { EventSpillEntity, StructureEventEntity } from './structure-event.entity';
import { OrgApiTokenEntity, WorkspaceAuthTokenEntity } from './token.entity';
import { WorkspaceEntity } from './workspace.entity';
import { WorkspaceImageDigestEntity } from './workspace-image-digest.entity';

export * from './a2a-queue.entity';
export * from './activity-log.entity';
export * from './canvas.entity';
export * from './org-plugin-allowlist.entity';
export * from './memory.entity';
export * from './schedule.entity';
export * from './secret.entity';
export * from './structure-event.entity';
export * from './token.entity';
export * from './workspace.entity';
export * from './workspace-image-digest.entity';

export const ENTITIES = [
  WorkspaceEntity,
  StructureEventEntity,
  EventSpillEntity,
  WorkspaceSecretEntity,
  GlobalSecretEntity,
  CanvasLayoutEntity,
  CanvasViewportEntity,
  WorkspaceConfigEntity,
  WorkspaceAuthTokenEntity,
  OrgApiTokenEntity,
  ActivityLogEntity,
  WorkspaceScheduleEntity,
  A2AQueueEntity,
  OrgPluginAllowlistEntity,
  AgentMemoryEntity,
  ApprovalRequestEntity,
  WorkflowCheckpointEntity,
  PlatformInstructionEntity,
  WorkspaceTokenUsageEntity,
  WorkspaceImageDigestEntity,
];
