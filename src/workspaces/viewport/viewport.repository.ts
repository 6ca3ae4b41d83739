import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** The canvas keeps a single shared viewport row under this fixed id. */
export const VIEWPORT_ROW_ID = '00000000-0000-0000-0000-000000000001';

const LATEST = sql(
  'viewport.latest',
  `SELECT x, y, zoom FROM canvas_viewport ORDER BY saved_at DESC NULLS LAST LIMIT 1`,
);
const SAVE = sql(
  'viewport.save',
  `INSERT INTO canvas_viewport (id, x, y, zoom, saved_at) VALUES ($1, $2, $3, $4, now())
   ON CONFLICT (id) DO UPDATE
     SET x = EXCLUDED.x, y = EXCLUDED.y, zoom = EXCLUDED.zoom, saved_at = EXCLUDED.saved_at`,
);

@Injectable()
export class ViewportRepository {
  constructor(private readonly db: Database) {}

  latest(): Promise<Viewport | undefined> {
    return this.db.one<Viewport>(LATEST);
  }

  async save(viewport: Viewport): Promise<void> {
    await this.db.execute(SAVE, [VIEWPORT_ROW_ID, viewport.x, viewport.y, viewport.zoom]);
  }
}
