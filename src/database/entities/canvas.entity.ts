import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'canvas_layouts' })
export class CanvasLayoutEntity {
  @PrimaryColumn('uuid') workspace_id!: string;
  @Column('double precision', { default: 0 }) x!: number;
  @Column('double precision', { default: 0 }) y!: number;
  @Column('boolean', { nullable: true, default: false }) collapsed!: boolean | null;
}

/** A single row with a fixed id holds the saved viewport. */
@Entity({ name: 'canvas_viewport' })
export class CanvasViewportEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('double precision', { default: 0 }) x!: number;
  @Column('double precision', { default: 0 }) y!: number;
  @Column('double precision', { default: 1 }) zoom!: number;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) saved_at!: Date | null;
}

@Entity({ name: 'workspace_config' })
export class WorkspaceConfigEntity {
  @PrimaryColumn('uuid') workspace_id!: string;
  @Column('jsonb', { default: {} }) data!: unknown;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
}
