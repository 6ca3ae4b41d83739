import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../../config/app-config';

/** `not-presented` lets the caller fall through to bearer checks. */
export type SessionResult = 'not-presented' | 'valid' | 'invalid';

const POSITIVE_TTL_MS = 30_000;
const NEGATIVE_TTL_MS = 5_000;
const VERIFY_TIMEOUT_MS = 3_000;

/**
 * Verifies a control-plane session cookie by asking the control plane whether its user is a
 * member of this tenant. Answers are cached briefly (keyed by a hash of slug and cookie, so
 * no cookie is held in memory); transport errors are not cached, so a CP blip is retried.
 */
@Injectable()
export class SessionVerifier {
  private readonly logger = new Logger(SessionVerifier.name);
  private readonly cache = new LRUCache<string, boolean>({ max: 10_000 });

  constructor(private readonly config: AppConfig) {}

  async verify(cookie: string | undefined): Promise<SessionResult> {
    if (!cookie || this.config.orgSlug === '') return 'not-presented';
    if (this.config.cpUpstreamUrl === '') return 'invalid';

    const key = createHash('sha256')
      .update(this.config.orgSlug)
      .update('\0')
      .update(cookie)
      .digest('hex');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ? 'valid' : 'invalid';

    const member = await this.askControlPlane(cookie);
    if (member === undefined) return 'invalid';
    this.cache.set(key, member, { ttl: member ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS });
    return member ? 'valid' : 'invalid';
  }

  /** true/false from the CP; undefined when the CP could not be reached (not cached). */
  private async askControlPlane(cookie: string): Promise<boolean | undefined> {
    const url = `${this.config.cpUpstreamUrl}/cp/auth/tenant-member?slug=${encodeURIComponent(this.config.orgSlug)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { Cookie: cookie, 'User-Agent': 'molecule-tenant-platform/session-verifier' },
        signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
      });
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'control-plane session check failed');
      return undefined;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      return false;
    }
    try {
      const body = (await res.json()) as { member?: unknown; user_id?: unknown };
      return body.member === true && typeof body.user_id === 'string' && body.user_id !== '';
    } catch {
      return false;
    }
  }
}
