import { Module } from '@nestjs/common';
import { InstructionsController, InstructionsResolveController } from './instructions.controller';
import { InstructionsRepository } from './instructions.repository';
import { InstructionsService } from './instructions.service';

@Module({
  controllers: [InstructionsController, InstructionsResolveController],
  providers: [InstructionsRepository, InstructionsService],
})
export class InstructionsModule {}
