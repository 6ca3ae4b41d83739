import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { LivenessController } from './liveness.controller';
import { FleetGauges } from './metrics/fleet-gauges';
import { FleetRepository } from './metrics/fleet.repository';
import { DependencyChecks } from './readiness/dependency-checks';
import { ReadinessController } from './readiness/readiness.controller';

/**
 * Layer 5: what operators probe and scrape — liveness (`/health`), readiness (`/ready`),
 * `/metrics` with the fleet's scrape-time gauges, and the loops' last ticks.
 */
@Module({
  // Readiness logs its own transitions; Terminus would log every failing probe.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, ReadinessController, LivenessController],
  providers: [DependencyChecks, FleetRepository, FleetGauges],
})
export class OperationsModule {}
