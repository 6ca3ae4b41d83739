import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const WORKSPACE_STATUSES = [
  'provisioning',
  'online',
  'offline',
  'degraded',
  'failed',
  'removed',
  'paused',
  'hibernated',
  'awaiting_agent',
  'hibernating',
] as const;
export type WorkspaceStatus = (typeof WORKSPACE_STATUSES)[number];

/** What a workspace should be; the reconciler drives its compute there. */
export const DESIRED_STATES = ['running', 'paused', 'hibernated', 'removed'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];
/** What the last finished reconcile cycle left (`failed`: a provision was tried and failed). */
export type ObservedState = DesiredState | 'failed';

/** Timestamps come back from `pg` as `Date`, JSONB as parsed values. */
@Entity({ name: 'workspaces' })
export class WorkspaceEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { nullable: true }) role!: string | null;
  @Column('integer', { nullable: true, default: 1 }) tier!: number | null;
  @Column({
    type: 'enum',
    enum: WORKSPACE_STATUSES,
    enumName: 'workspace_status',
    nullable: true,
    default: 'provisioning',
  })
  status!: WorkspaceStatus | null;
  @Column('text', { nullable: true }) source_bundle_id!: string | null;
  @Column('jsonb', { nullable: true }) agent_card!: unknown;
  @Column('text', { nullable: true }) url!: string | null;
  /** The agent-reported URL (container-to-container); the reference kept it in Redis. */
  @Column('text', { nullable: true }) internal_url!: string | null;
  @Column('uuid', { nullable: true }) parent_id!: string | null;
  @Column('uuid', { nullable: true }) forwarded_to!: string | null;
  @Column('timestamptz', { nullable: true }) last_heartbeat_at!: Date | null;
  @Column('double precision', { nullable: true, default: 0 }) last_error_rate!: number | null;
  @Column('text', { nullable: true }) last_sample_error!: string | null;
  @Column('integer', { nullable: true, default: 0 }) active_tasks!: number | null;
  @Column('integer', { nullable: true, default: 0 }) uptime_seconds!: number | null;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) created_at!: Date | null;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) updated_at!: Date | null;
  @Column('text', { nullable: true }) current_task!: string | null;
  @Column('text', { nullable: true }) awareness_namespace!: string | null;
  @Column('text', { nullable: true, default: 'langgraph' }) runtime!: string | null;
  @Column('text', { nullable: true }) workspace_dir!: string | null;
  @Column('varchar', { length: 20, default: 'none' }) workspace_access!: string;
  /** USD cents; NULL = unlimited. BIGINTs are parsed to numbers (values stay below 2^53). */
  @Column('bigint', { nullable: true }) budget_limit!: number | null;
  @Column('bigint', { default: 0 }) monthly_spend!: number;
  @Column('integer', { nullable: true }) hibernation_idle_minutes!: number | null;
  @Column('timestamptz', { nullable: true }) last_outbound_at!: Date | null;
  @Column('integer', { default: 1 }) max_concurrent_tasks!: number;
  @Column('text', { nullable: true }) instance_id!: string | null;
  @Column('text', { nullable: true }) platform_inbound_secret!: string | null;
  @Column('boolean', { default: false }) native_scheduler!: boolean;

  // The lifecycle reconciler's state (migration 1765000000000).
  @Column('text', { default: 'running' }) desired_state!: DesiredState;
  @Column('bigint', { default: 0 }) desired_generation!: number;
  @Column('text', { default: 'running' }) observed_state!: ObservedState;
  @Column('bigint', { default: 0 }) observed_generation!: number;
  @Column('jsonb', { nullable: true }) provision_request!: unknown;
  @Column('text', { nullable: true }) reconcile_owner!: string | null;
  @Column('timestamptz', { nullable: true }) reconcile_lease_until!: Date | null;
  @Column('timestamptz', { nullable: true }) reconcile_not_before!: Date | null;
  @Column('integer', { default: 0 }) reconcile_attempts!: number;
  @Column('text', { nullable: true }) reconcile_error!: string | null;
  @Column('bigint', { nullable: true }) reconcile_error_generation!: number | null;
}
