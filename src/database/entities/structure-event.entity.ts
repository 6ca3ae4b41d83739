import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only event log; no FK so events survive purges. */
@Entity({ name: 'structure_events' })
export class StructureEventEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') event_type!: string;
  @Column('uuid', { nullable: true }) workspace_id!: string | null;
  @Column('uuid', { nullable: true }) agent_id!: string | null;
  @Column('uuid', { nullable: true }) target_id!: string | null;
  @Column('jsonb', { nullable: true }) payload!: unknown;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) created_at!: Date | null;
}

/** Oversized broadcast-only envelopes, parked so every replica can read them back. */
@Entity({ name: 'event_spill' })
export class EventSpillEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') envelope!: string;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
}
