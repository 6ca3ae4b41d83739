import { Injectable } from '@nestjs/common';
import { EventEmitter } from '../../events/event-emitter.port';
import { eventPreview, taskPreview } from './delegation-text';

/** Which delegation an event is about; `targetId` is left out of the payload when unknown. */
export interface DelegationRef {
  readonly sourceId: string;
  readonly delegationId: string;
  readonly targetId?: string;
}

/**
 * The DELEGATION_* events (spec 03 §4.8), all recorded and addressed to the source workspace.
 * The canvas agent-comms panel ignores those without a `target_id`.
 */
@Injectable()
export class DelegationEvents {
  constructor(private readonly events: EventEmitter) {}

  sent(ref: DelegationRef, task: string): Promise<void> {
    return this.emit('DELEGATION_SENT', ref, { task_preview: taskPreview(task) });
  }

  status(ref: DelegationRef, status: 'dispatched' | 'queued'): Promise<void> {
    return this.emit('DELEGATION_STATUS', ref, { status });
  }

  completed(ref: DelegationRef, text: string, via?: 'queue_drain'): Promise<void> {
    return this.emit('DELEGATION_COMPLETE', ref, {
      response_preview: eventPreview(text),
      ...(via ? { via } : {}),
    });
  }

  failed(ref: DelegationRef, error: string): Promise<void> {
    return this.emit('DELEGATION_FAILED', ref, { error });
  }

  private emit(type: string, ref: DelegationRef, fields: Record<string, unknown>): Promise<void> {
    return this.events.recordAndBroadcast(type, ref.sourceId, {
      delegation_id: ref.delegationId,
      ...(ref.targetId ? { target_id: ref.targetId } : {}),
      ...fields,
    });
  }
}
