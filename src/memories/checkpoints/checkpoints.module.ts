import { Module } from '@nestjs/common';
import { CheckpointsController } from './checkpoints.controller';
import { CheckpointsRepository } from './checkpoints.repository';
import { CheckpointsService } from './checkpoints.service';

@Module({
  controllers: [CheckpointsController],
  providers: [CheckpointsRepository, CheckpointsService],
})
export class CheckpointsModule {}
