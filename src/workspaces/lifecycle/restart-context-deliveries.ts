import { Injectable } from '@nestjs/common';
import { Listeners } from '../../common/hooks/listeners';
import { RestartSnapshot } from './restart-context';

/**
 * A restarted workspace has a restart-context message due once it is back online (spec 04
 * §5.4). A2A is above this layer: the a2a module subscribes and sends it through its proxy.
 */
@Injectable()
export class RestartContextDeliveries extends Listeners<
  [workspaceId: string, snapshot: RestartSnapshot]
> {
  constructor() {
    super(RestartContextDeliveries.name);
  }
}
