import { Injectable, Logger } from '@nestjs/common';
import { DelegationRepository, KeyedDelegation } from './delegation.repository';

/** 200 answer to a repeated `POST /delegate`: the delegation that already holds the key. */
export interface IdempotentHit {
  delegation_id: string;
  status: string;
  target_id: string;
  idempotent_hit: true;
}

/** What an earlier delegation under the same key means for a new request (spec 03 §4.2). */
export type PriorDecision =
  | { readonly kind: 'proceed' }
  | { readonly kind: 'release' }
  | { readonly kind: 'replay'; readonly hit: IdempotentHit };

/** No usable prior → go ahead; a failed one gives its key up; anything else is replayed. */
export function decidePrior(prior: KeyedDelegation | undefined): PriorDecision {
  if (!prior?.delegation_id) return { kind: 'proceed' };
  if (prior.status === 'failed') return { kind: 'release' };
  return { kind: 'replay', hit: hitOf(prior, prior.target_id ?? '') };
}

function hitOf(prior: KeyedDelegation, targetId: string): IdempotentHit {
  return {
    delegation_id: prior.delegation_id ?? '',
    status: prior.status ?? '',
    target_id: targetId,
    idempotent_hit: true,
  };
}

/**
 * The runtime retries `POST /delegate` with a key derived from target and task; a key held by
 * a live delegation answers with that delegation instead of sending the task again.
 * Lookup errors are logged and treated as "no prior" (the unique index still guards the key).
 */
@Injectable()
export class DelegationIdempotency {
  private readonly logger = new Logger(DelegationIdempotency.name);

  constructor(private readonly rows: DelegationRepository) {}

  /** The replay for `key`, or undefined to go ahead (after releasing a failed holder). */
  async replay(sourceId: string, key: string): Promise<IdempotentHit | undefined> {
    if (key === '') return undefined;
    const decision = decidePrior(await this.lookup(sourceId, key));
    if (decision.kind === 'replay') return decision.hit;
    if (decision.kind === 'release') {
      await this.rows
        .releaseFailed(sourceId, key)
        .catch((err) => this.logger.error({ err, sourceId }, 'could not release a failed key'));
    }
    return undefined;
  }

  /** After a failed insert: the concurrent request that took `key` first, if that is what happened. */
  async winner(
    sourceId: string,
    key: string,
    targetId: string,
  ): Promise<IdempotentHit | undefined> {
    if (key === '') return undefined;
    const prior = await this.lookup(sourceId, key);
    // The reference answers with the target of this request, not the winner's.
    return prior?.delegation_id ? hitOf(prior, targetId) : undefined;
  }

  private async lookup(sourceId: string, key: string): Promise<KeyedDelegation | undefined> {
    try {
      return await this.rows.findByKey(sourceId, key);
    } catch (err) {
      this.logger.error({ err, sourceId }, 'idempotency lookup failed');
      return undefined;
    }
  }
}
