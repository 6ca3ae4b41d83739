import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

const ALL = sql('images.seen_digests', `SELECT image, digest FROM workspace_image_digests`);

const RECORD = sql(
  'images.record_digest',
  `INSERT INTO workspace_image_digests (image, digest) VALUES ($1, $2)
   ON CONFLICT (image) DO UPDATE SET digest = EXCLUDED.digest, observed_at = now()`,
);

/** The digest the watcher last acted on, per image reference. */
@Injectable()
export class SeenDigestsRepository {
  constructor(private readonly db: Database) {}

  async all(): Promise<Map<string, string>> {
    const rows = await this.db.query<{ image: string; digest: string }>(ALL);
    return new Map(rows.map((r) => [r.image, r.digest]));
  }

  async record(image: string, digest: string): Promise<void> {
    await this.db.execute(RECORD, [image, digest]);
  }
}
