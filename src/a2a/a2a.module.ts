import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module';
import { SsrfModule } from '../common/ssrf/ssrf.module';
import { RegistryModule } from '../registry/registry.module';
import { DelegationStitch } from './delegation/delegation-stitch';
import { A2AProxyController } from './proxy/a2a-proxy.controller';
import { A2AProxyService } from './proxy/a2a-proxy.service';
import { AgentTransport } from './proxy/agent-transport';
import { DeadAgentCheck } from './proxy/dead-agent-check';
import { ProxyTargetRepository } from './proxy/proxy-target.repository';
import { UndiciAgentTransport } from './proxy/undici-agent-transport';
import { A2AQueueRepository } from './queue/a2a-queue.repository';
import { AdminQueueController } from './queue/admin-queue.controller';
import { QueueDrainer } from './queue/queue-drainer';

/** Layer 4: the A2A proxy, the busy queue and its drain, delegation. */
@Module({
  imports: [SsrfModule, RegistryModule, ActivityModule],
  controllers: [A2AProxyController, AdminQueueController],
  providers: [
    A2AProxyService,
    ProxyTargetRepository,
    DeadAgentCheck,
    { provide: AgentTransport, useClass: UndiciAgentTransport },
    A2AQueueRepository,
    QueueDrainer,
    DelegationStitch,
  ],
  exports: [A2AProxyService],
})
export class A2AModule {}
