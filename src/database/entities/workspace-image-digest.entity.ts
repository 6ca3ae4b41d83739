import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The digest the image watcher last saw for a workspace image reference. */
@Entity({ name: 'workspace_image_digests' })
export class WorkspaceImageDigestEntity {
  @PrimaryColumn('text') image!: string;
  @Column('text') digest!: string;
  @Column('timestamptz', { default: () => 'now()' }) observed_at!: Date;
}
