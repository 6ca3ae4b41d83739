import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Workspace bearer tokens: only the SHA-256 of the plaintext and its first 8 chars are kept. */
@Entity({ name: 'workspace_auth_tokens' })
export class WorkspaceAuthTokenEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workspace_id!: string;
  @Column('bytea', { unique: true }) token_hash!: Buffer;
  @Column('text') prefix!: string;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { nullable: true }) last_used_at!: Date | null;
  @Column('timestamptz', { nullable: true }) revoked_at!: Date | null;
}

/** Organization API tokens: full admin over the tenant, and WorkspaceAuth for every workspace. */
@Entity({ name: 'org_api_tokens' })
export class OrgApiTokenEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('bytea', { unique: true }) token_hash!: Buffer;
  @Column('text') prefix!: string;
  @Column('text', { nullable: true }) name!: string | null;
  @Column('text', { nullable: true }) created_by!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { nullable: true }) last_used_at!: Date | null;
  @Column('timestamptz', { nullable: true }) revoked_at!: Date | null;
  @Column('uuid', { nullable: true }) org_id!: string | null;
}
