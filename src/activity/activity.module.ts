import { Module } from '@nestjs/common';
import { ActivityLogger } from './activity-logger';
import { ActivityController } from './activity.controller';
import { ActivityRepository } from './activity.repository';
import { ActivityService } from './activity.service';
import { NotifyController } from './notify/notify.controller';
import { NotifyRepository } from './notify/notify.repository';
import { NotifyService } from './notify/notify.service';
import { ActivityRetention } from './retention/activity-retention';
import { SessionSearchController } from './session-search/session-search.controller';
import { SessionSearchRepository } from './session-search/session-search.repository';
import { SessionSearchService } from './session-search/session-search.service';

/**
 * Layer 3: the activity log — `ActivityLogger` (what the A2A proxy and others write through),
 * agent self-reports, the listing and session search, `/notify`, and retention.
 */
@Module({
  controllers: [ActivityController, SessionSearchController, NotifyController],
  providers: [
    ActivityRepository,
    ActivityLogger,
    ActivityService,
    SessionSearchRepository,
    SessionSearchService,
    NotifyRepository,
    NotifyService,
    ActivityRetention,
  ],
  exports: [ActivityLogger],
})
export class ActivityModule {}
