import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const A2A_QUEUE_STATUSES = [
  'queued',
  'dispatched',
  'completed',
  'dropped',
  'failed',
] as const;
export type A2AQueueStatus = (typeof A2A_QUEUE_STATUSES)[number];

/** A2A requests parked while their target is busy; drained on the target's heartbeats. */
@Entity({ name: 'a2a_queue' })
export class A2AQueueEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workspace_id!: string;
  /** NULL for canvas callers; TEXT so system caller ids can be queued too. */
  @Column('text', { nullable: true }) caller_id!: string | null;
  @Column('smallint', { default: 50 }) priority!: number;
  @Column('jsonb') body!: unknown;
  @Column('text', { nullable: true }) method!: string | null;
  @Column('text', { nullable: true }) idempotency_key!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) enqueued_at!: Date;
  @Column('timestamptz', { nullable: true }) dispatched_at!: Date | null;
  @Column('timestamptz', { nullable: true }) completed_at!: Date | null;
  @Column('timestamptz', { nullable: true }) expires_at!: Date | null;
  @Column('integer', { default: 0 }) attempts!: number;
  @Column('text', { default: 'queued' }) status!: A2AQueueStatus;
  @Column('text', { nullable: true }) last_error!: string | null;
  /** The replica delivering it, its lease, and when the message left (see InFlightLeases). */
  @Column('text', { nullable: true }) dispatch_owner!: string | null;
  @Column('timestamptz', { nullable: true }) dispatch_lease_until!: Date | null;
  @Column('timestamptz', { nullable: true }) dispatch_sent_at!: Date | null;
}
