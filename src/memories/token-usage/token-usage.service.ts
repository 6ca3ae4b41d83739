import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { TokenUsageReport, TokenUsageReports } from '../../common/hooks/token-usage-reports';
import { notFound } from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { BackgroundWork } from '../../common/shutdown/background-work';
import { TokenUsageRepository } from './token-usage.repository';

const DAY_MS = 24 * 60 * 60 * 1000;

/** `GET /workspaces/:id/metrics` (the canvas Details tab). */
export interface WorkspaceMetrics {
  input_tokens: number;
  output_tokens: number;
  total_calls: number;
  /** Decimal string with six places, e.g. `"0.000126"`. */
  estimated_cost_usd: string;
  period_start: string;
  period_end: string;
}

/**
 * Token metering: every usage the A2A proxy finds in an agent's reply is added to that
 * workspace's UTC day; the metrics route reads today.
 */
@Injectable()
export class TokenUsageService implements OnModuleInit {
  private readonly logger = new Logger(TokenUsageService.name);

  constructor(
    private readonly usage: TokenUsageRepository,
    private readonly reports: TokenUsageReports,
    private readonly clock: Clock,
    private readonly work: BackgroundWork,
  ) {}

  onModuleInit(): void {
    // Detached from the reply: a shutdown lets the write finish before the pool closes.
    this.reports.on((report) => this.work.track(this.record(report)));
  }

  /** One reply's usage (the hook logs a failure; the reply went out long before). */
  record(report: TokenUsageReport): Promise<void> {
    return this.usage.add(
      report.workspaceId,
      this.startOfToday(),
      report.inputTokens,
      report.outputTokens,
    );
  }

  /** Today's totals (UTC day); zeros when nothing was recorded. */
  async metrics(workspaceId: string): Promise<WorkspaceMetrics> {
    const start = this.startOfToday();
    const row = await orInternalError(
      this.usage.day(workspaceId, start),
      'query failed',
      this.logger,
    );
    if (!row) throw notFound('workspace not found');
    return {
      input_tokens: row.input_tokens ?? 0,
      output_tokens: row.output_tokens ?? 0,
      total_calls: row.call_count ?? 0,
      estimated_cost_usd: row.estimated_cost_usd ?? '0.000000',
      period_start: start.toISOString(),
      period_end: new Date(start.getTime() + DAY_MS).toISOString(),
    };
  }

  private startOfToday(): Date {
    const now = this.clock.now();
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  }
}
