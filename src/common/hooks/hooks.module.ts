import { Global, Module } from '@nestjs/common';
import { TokenUsageReports } from './token-usage-reports';

/** Signals between modules of the same layer, which may not import each other. */
@Global()
@Module({ providers: [TokenUsageReports], exports: [TokenUsageReports] })
export class HooksModule {}
