import { Module } from '@nestjs/common';
import { A2AModule } from '../a2a/a2a.module';
import { RegistryModule } from '../registry/registry.module';
import { CronLoop } from './firing/cron-loop';
import { DueSchedulesRepository } from './firing/due-schedules.repository';
import { FireMetrics } from './firing/fire-metrics';
import { PhantomBusySweep } from './firing/phantom-busy-sweep';
import { ScheduleFirer } from './firing/schedule-firer';
import { ScheduleHealthController } from './schedules/schedule-health.controller';
import { ScheduleHealthService } from './schedules/schedule-health.service';
import { SchedulesController } from './schedules/schedules.controller';
import { SchedulesRepository } from './schedules/schedules.repository';
import { SchedulesService } from './schedules/schedules.service';

/**
 * Layer 5: cron schedules — the API the canvas's Schedules tab uses (`schedules/`) and the
 * loop that fires them into workspaces through the A2A proxy (`firing/`).
 */
@Module({
  imports: [A2AModule, RegistryModule],
  controllers: [SchedulesController, ScheduleHealthController],
  providers: [
    SchedulesRepository,
    SchedulesService,
    ScheduleHealthService,
    DueSchedulesRepository,
    ScheduleFirer,
    FireMetrics,
    CronLoop,
    PhantomBusySweep,
  ],
})
export class SchedulerModule {}
