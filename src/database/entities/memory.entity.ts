import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const MEMORY_SCOPES = ['LOCAL', 'TEAM', 'GLOBAL'] as const;
export type MemoryScope = (typeof MEMORY_SCOPES)[number];

/** A memory an agent committed; immutable once written. Content is stored redacted. */
@Entity({ name: 'agent_memories' })
export class AgentMemoryEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workspace_id!: string;
  @Column('text') content!: string;
  @Column('varchar', { length: 10 }) scope!: MemoryScope;
  @Column('varchar', { length: 50, default: 'general' }) namespace!: string;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
  /** Full-text index of `content`, maintained by PostgreSQL. */
  @Column({
    type: 'tsvector',
    generatedType: 'STORED',
    asExpression: `to_tsvector('english', content)`,
    insert: false,
    update: false,
    select: false,
    nullable: true,
  })
  content_tsv!: string;
}

export const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'escalated'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A request for a human decision; expires (denied, `auto-expired`) after 10 minutes. */
@Entity({ name: 'approval_requests' })
export class ApprovalRequestEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workspace_id!: string;
  @Column('text', { nullable: true }) task_id!: string | null;
  @Column('text') action!: string;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('jsonb', { default: () => `'{}'` }) context!: unknown;
  @Column('text', { default: 'pending' }) status!: ApprovalStatus;
  @Column('text', { nullable: true }) decided_by!: string | null;
  @Column('timestamptz', { nullable: true }) decided_at!: Date | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
}

/** The last completed step of a workflow step name; one row per (workspace, workflow, step). */
@Entity({ name: 'workflow_checkpoints' })
export class WorkflowCheckpointEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workspace_id!: string;
  @Column('text') workflow_id!: string;
  @Column('text') step_name!: string;
  @Column('integer') step_index!: number;
  @Column('timestamptz', { default: () => 'now()' }) completed_at!: Date;
  @Column('jsonb', { nullable: true }) payload!: unknown;
}

/** Operator text placed at the top of agents' system prompts. */
@Entity({ name: 'platform_instructions' })
export class PlatformInstructionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') scope!: 'global' | 'team' | 'workspace';
  @Column('text', { nullable: true }) scope_target!: string | null;
  @Column('text') title!: string;
  @Column('text') content!: string;
  @Column('integer', { default: 0 }) priority!: number;
  @Column('boolean', { default: true }) enabled!: boolean;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
}

/** Token usage of one workspace on one UTC day (`period_start` = that day's midnight). */
@Entity({ name: 'workspace_token_usage' })
export class WorkspaceTokenUsageEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workspace_id!: string;
  @Column('timestamptz') period_start!: Date;
  @Column('bigint', { default: 0 }) input_tokens!: number;
  @Column('bigint', { default: 0 }) output_tokens!: number;
  @Column('integer', { default: 0 }) call_count!: number;
  @Column('numeric', { precision: 20, scale: 6, default: 0 }) estimated_cost_usd!: string;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
}
