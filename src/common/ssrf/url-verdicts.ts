import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { UrlCheck, UrlGuard } from './url-guard';

const VERDICT_TTL_MS = 30_000;

/**
 * The outbound guard's verdict per workspace URL, remembered for 30 s so a busy conversation
 * does not resolve and judge the same host on every message. Safe to cache: the transport
 * re-checks the address it actually connects to, so a host re-pointed in the meantime is
 * still refused.
 */
@Injectable()
export class UrlVerdicts {
  private readonly verdicts = new LRUCache<string, UrlCheck>({ max: 10_000, ttl: VERDICT_TTL_MS });

  constructor(private readonly guard: UrlGuard) {}

  async check(url: string): Promise<UrlCheck> {
    const known = this.verdicts.get(url);
    if (known) return known;
    const verdict = await this.guard.checkOutboundUrl(url);
    this.verdicts.set(url, verdict);
    return verdict;
  }
}
