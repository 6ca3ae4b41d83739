import { Module } from '@nestjs/common';
import { A2AMetrics } from './a2a-metrics';
import { ActivityModule } from '../activity/activity.module';
import { SsrfModule } from '../common/ssrf/ssrf.module';
import { RegistryModule } from '../registry/registry.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { DelegateService } from './delegation/delegate.service';
import { DelegationEvents } from './delegation/delegation-events';
import { DelegationIdempotency } from './delegation/delegation-idempotency';
import { DelegationRecordsService } from './delegation/delegation-records.service';
import { DelegationStitch } from './delegation/delegation-stitch';
import { DelegationWorker } from './delegation/delegation-worker';
import { DelegationController } from './delegation/delegation.controller';
import { DelegationRepository } from './delegation/delegation.repository';
import { A2AProxyController } from './proxy/a2a-proxy.controller';
import { A2AProxyService } from './proxy/a2a-proxy.service';
import { BusyTarget } from './proxy/busy-target';
import { ProxySideEffects } from './proxy/proxy-side-effects';
import { ReplyStreams } from './proxy/reply-streams';
import { AgentTransport } from './proxy/agent-transport';
import { DeadAgentCheck } from './proxy/dead-agent-check';
import { ProxyTargetRepository } from './proxy/proxy-target.repository';
import { UndiciAgentTransport } from './proxy/undici-agent-transport';
import { A2AQueueRepository } from './queue/a2a-queue.repository';
import { AdminQueueController } from './queue/admin-queue.controller';
import { RestartContextSender } from './restart-context/restart-context-sender';
import { QueueDrainer } from './queue/queue-drainer';

/** Layer 4: the A2A proxy, the busy queue and its drain, delegation. */
@Module({
  imports: [SsrfModule, WorkspacesModule, RegistryModule, ActivityModule],
  controllers: [A2AProxyController, AdminQueueController, DelegationController],
  providers: [
    A2AProxyService,
    A2AMetrics,
    ProxySideEffects,
    BusyTarget,
    ReplyStreams,
    ProxyTargetRepository,
    DeadAgentCheck,
    { provide: AgentTransport, useClass: UndiciAgentTransport },
    A2AQueueRepository,
    QueueDrainer,
    DelegationStitch,
    DelegationRepository,
    DelegationEvents,
    DelegationIdempotency,
    DelegationWorker,
    DelegateService,
    DelegationRecordsService,
    RestartContextSender,
  ],
  exports: [A2AProxyService],
})
export class A2AModule {}
