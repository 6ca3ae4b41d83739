import { Global, Module } from '@nestjs/common';
import { BackgroundWork } from './background-work';
import { ShutdownSignal } from './shutdown-signal';

/** Layer 0: the graceful-shutdown signal and the detached work it waits for. */
@Global()
@Module({ providers: [ShutdownSignal, BackgroundWork], exports: [ShutdownSignal, BackgroundWork] })
export class ShutdownModule {}
