import { Injectable } from '@nestjs/common';
import { Listeners } from './listeners';

/** LLM tokens an agent reported having spent on one reply (already clamped to sane bounds). */
export interface TokenUsageReport {
  readonly workspaceId: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * Token usage found in relayed agent replies. The A2A proxy reports it (only when a reply
 * carries some); token metering subscribes. Listeners run detached from the reply.
 */
@Injectable()
export class TokenUsageReports extends Listeners<[TokenUsageReport]> {
  constructor() {
    super(TokenUsageReports.name);
  }
}
