import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `encryption_version`: 0 = plaintext bytes, 1 = AES-256-GCM (spec 01 §8.1). */
@Entity({ name: 'workspace_secrets' })
export class WorkspaceSecretEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { nullable: true }) workspace_id!: string | null;
  @Column('text') key!: string;
  @Column('bytea') encrypted_value!: Buffer;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) created_at!: Date | null;
  @Column('timestamptz', { nullable: true, default: () => 'now()' }) updated_at!: Date | null;
  @Column('integer', { default: 0 }) encryption_version!: number;
}

@Entity({ name: 'global_secrets' })
export class GlobalSecretEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { unique: true }) key!: string;
  @Column('bytea') encrypted_value!: Buffer;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
  @Column('integer', { default: 0 }) encryption_version!: number;
}
