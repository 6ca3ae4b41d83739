import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ObservabilityModule } from './common/observability/observability.module';
import { DatabaseModule } from './database/database.module';
import { OperationsModule } from './operations/operations.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), ObservabilityModule, DatabaseModule, OperationsModule],
    };
  }
}
