import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/** A workspace's usage on one day; null columns when nothing was recorded that day. */
export interface DailyUsageRow {
  input_tokens: number | null;
  output_tokens: number | null;
  call_count: number | null;
  /** NUMERIC as text, six decimals. */
  estimated_cost_usd: string | null;
}

/**
 * Adds one reply's usage to its day, atomically (concurrent replies and replicas add up).
 * Estimated cost: $3 per million input tokens, $15 per million output tokens, in exact decimal.
 */
const ADD = sql(
  'token_usage.add',
  `INSERT INTO workspace_token_usage
     (workspace_id, period_start, input_tokens, output_tokens, call_count, estimated_cost_usd)
   VALUES ($1, $2, $3::bigint, $4::bigint, 1, ($3::bigint * 3 + $4::bigint * 15)::numeric / 1000000)
   ON CONFLICT (workspace_id, period_start) DO UPDATE SET
     input_tokens = workspace_token_usage.input_tokens + EXCLUDED.input_tokens,
     output_tokens = workspace_token_usage.output_tokens + EXCLUDED.output_tokens,
     call_count = workspace_token_usage.call_count + 1,
     estimated_cost_usd = workspace_token_usage.estimated_cost_usd + EXCLUDED.estimated_cost_usd,
     updated_at = now()`,
);

/** One row per live workspace: its usage that day joined in, if any. */
const DAY = sql(
  'token_usage.day',
  `SELECT u.input_tokens, u.output_tokens, u.call_count, u.estimated_cost_usd::text AS estimated_cost_usd
     FROM workspaces w
     LEFT JOIN workspace_token_usage u ON u.workspace_id = w.id AND u.period_start = $2
    WHERE w.id = $1 AND w.status IS DISTINCT FROM 'removed'`,
);

/** SQL for `workspace_token_usage`. Days are keyed by their UTC midnight. */
@Injectable()
export class TokenUsageRepository {
  constructor(private readonly db: Database) {}

  async add(
    workspaceId: string,
    day: Date,
    inputTokens: number,
    outputTokens: number,
  ): Promise<void> {
    await this.db.execute(ADD, [workspaceId, day, inputTokens, outputTokens]);
  }

  /** Undefined when the workspace does not exist (or was removed). */
  day(workspaceId: string, day: Date): Promise<DailyUsageRow | undefined> {
    return this.db.one<DailyUsageRow>(DAY, [workspaceId, day]);
  }
}
