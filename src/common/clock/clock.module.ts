import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';

/** The wall clock for the whole app; tests override the `Clock` provider with a fake. */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }],
  exports: [Clock],
})
export class ClockModule {}
