import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { TokenUsageRepository } from './token-usage.repository';
import { TokenUsageService } from './token-usage.service';

/** Per-workspace token metering from A2A replies, and `GET /workspaces/:id/metrics`. */
@Module({
  controllers: [MetricsController],
  providers: [TokenUsageRepository, TokenUsageService],
})
export class TokenUsageModule {}
