import { Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { BackgroundLoops } from './background-loops';
import { LoopLiveness } from './loop-liveness';

@Global()
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [BackgroundLoops, LoopLiveness],
  exports: [BackgroundLoops, LoopLiveness],
})
export class LoopsModule {}
