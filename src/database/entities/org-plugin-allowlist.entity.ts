import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The plugins an org root allows; no rows for an org allows every plugin (spec 07 §10). */
@Entity({ name: 'org_plugin_allowlist' })
export class OrgPluginAllowlistEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') org_id!: string;
  @Column('text') plugin_name!: string;
  @Column('text') enabled_by!: string;
  @Column('timestamptz', { default: () => 'now()' }) enabled_at!: Date;
}
