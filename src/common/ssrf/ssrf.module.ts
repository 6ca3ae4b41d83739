import { Module } from '@nestjs/common';
import { DeployMode } from './deploy-mode';
import { DnsHostResolver, HostResolver } from './host-resolver';
import { UrlGuard } from './url-guard';
import { UrlVerdicts } from './url-verdicts';

/**
 * The SSRF guards, their cached verdicts and the deployment posture they read; needs only the
 * global `AppConfig`.
 */
@Module({
  providers: [
    DeployMode,
    UrlGuard,
    UrlVerdicts,
    { provide: HostResolver, useClass: DnsHostResolver },
  ],
  exports: [DeployMode, UrlGuard, UrlVerdicts, HostResolver],
})
export class SsrfModule {}
