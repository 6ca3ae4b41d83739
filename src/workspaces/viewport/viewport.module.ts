import { Module } from '@nestjs/common';
import { ViewportController } from './viewport.controller';
import { ViewportRepository } from './viewport.repository';
import { ViewportService } from './viewport.service';

@Module({
  controllers: [ViewportController],
  providers: [ViewportService, ViewportRepository],
})
export class ViewportModule {}
