import { Controller, Get, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../common/auth/admin-auth.guard';
import { Clock } from '../common/clock/clock';
import { LoopLiveness } from '../common/loops/loop-liveness';
import { ApiTag } from '../common/openapi/tags';
import { OperationsApi } from './operations.api';

/**
 * Last tick of every background subsystem that has ticked since boot. Staleness is the
 * reader's call (more than twice the subsystem's interval).
 */
@ApiTag('operations')
@Controller('admin/liveness')
@UseGuards(AdminAuthGuard)
export class LivenessController {
  constructor(
    private readonly liveness: LoopLiveness,
    private readonly clock: Clock,
  ) {}

  @OperationsApi.liveness
  @Get()
  subsystems(): { subsystems: ReturnType<LoopLiveness['snapshot']> } {
    return { subsystems: this.liveness.snapshot(this.clock.now()) };
  }
}
