import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'workspace_schedules' })
export class WorkspaceScheduleEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workspace_id!: string;
  @Column('text', { default: '' }) name!: string;
  @Column('text') cron_expr!: string;
  @Column('text', { default: 'UTC' }) timezone!: string;
  @Column('text') prompt!: string;
  @Column('boolean', { default: true }) enabled!: boolean;
  @Column('timestamptz', { nullable: true }) last_run_at!: Date | null;
  @Column('timestamptz', { nullable: true }) next_run_at!: Date | null;
  @Column('integer', { default: 0 }) run_count!: number;
  @Column('text', { nullable: true, default: '' }) last_status!: string | null;
  @Column('text', { nullable: true, default: '' }) last_error!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
  @Column('text', { default: 'runtime' }) source!: string;
  @Column('integer', { default: 0 }) consecutive_empty_runs!: number;
  @Column('timestamptz', { nullable: true }) deferred_since!: Date | null;
  @Column('timestamptz', { nullable: true }) firing_since!: Date | null;
  /** The replica firing it, its lease, the message id it sends, and when it was sent. */
  @Column('text', { nullable: true }) firing_owner!: string | null;
  @Column('timestamptz', { nullable: true }) firing_lease_until!: Date | null;
  @Column('text', { nullable: true }) firing_message_id!: string | null;
  @Column('timestamptz', { nullable: true }) firing_sent_at!: Date | null;
}
