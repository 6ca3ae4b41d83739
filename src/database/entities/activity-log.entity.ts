import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One row of a workspace's activity log. `source_id` NULL means "canvas/user"; a value means
 * an agent or a system caller. Caller ids are TEXT (not UUID) so `webhook:*` / `system:*`
 * callers are stored instead of failing the insert (spec 00 decision).
 */
@Entity({ name: 'activity_logs' })
export class ActivityLogEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workspace_id!: string;
  @Column('text') activity_type!: string;
  @Column('text', { nullable: true }) source_id!: string | null;
  @Column('text', { nullable: true }) target_id!: string | null;
  @Column('text', { nullable: true }) method!: string | null;
  @Column('text', { nullable: true }) summary!: string | null;
  @Column('jsonb', { nullable: true }) request_body!: unknown;
  @Column('jsonb', { nullable: true }) response_body!: unknown;
  @Column('integer', { nullable: true }) duration_ms!: number | null;
  @Column('text', { nullable: true, default: 'ok' }) status!: string | null;
  @Column('text', { nullable: true }) error_detail!: string | null;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) created_at!: Date | null;
  @Column('text', { nullable: true }) idempotency_key!: string | null;
  @Column('jsonb', { nullable: true }) tool_trace!: unknown;
}
