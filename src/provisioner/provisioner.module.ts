import { Global, Module } from '@nestjs/common';
import { ComputeBackends } from './compute-backends';

/**
 * Layer 1. No compute adapter is wired yet (Docker and control-plane adapters arrive with
 * the provisioner issue), so this instance has no backend and says so.
 */
@Global()
@Module({
  providers: [{ provide: ComputeBackends, useFactory: () => new ComputeBackends(null, null) }],
  exports: [ComputeBackends],
})
export class ProvisionerModule {}
