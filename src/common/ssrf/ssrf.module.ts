import { Module } from '@nestjs/common';
import { DeployMode } from './deploy-mode';
import { DnsHostResolver, HostResolver } from './host-resolver';
import { UrlGuard } from './url-guard';

/** The SSRF guards and the deployment posture they read; needs only the global `AppConfig`. */
@Module({
  providers: [DeployMode, UrlGuard, { provide: HostResolver, useClass: DnsHostResolver }],
  exports: [DeployMode, UrlGuard, HostResolver],
})
export class SsrfModule {}
