import { Injectable } from '@nestjs/common';
import { DesiredState } from '../../database/entities';
import { HibernateAction } from './actions/hibernate.action';
import { PauseAction } from './actions/pause.action';
import { ProvisionAction } from './actions/provision.action';
import { RemoveAction } from './actions/remove.action';
import { ReconcileAction } from './reconcile-action';

/**
 * The action for each desired state. Every trigger bumps the generation, so the action only
 * depends on where the workspace should go: each one is idempotent from any starting point
 * (a provision replaces whatever runs; a stop of nothing is done).
 */
@Injectable()
export class ReconcileActions {
  constructor(
    private readonly provision: ProvisionAction,
    private readonly pause: PauseAction,
    private readonly hibernate: HibernateAction,
    private readonly remove: RemoveAction,
  ) {}

  for(desired: DesiredState): ReconcileAction {
    switch (desired) {
      case 'running':
        return this.provision;
      case 'paused':
        return this.pause;
      case 'hibernated':
        return this.hibernate;
      case 'removed':
        return this.remove;
    }
  }
}
