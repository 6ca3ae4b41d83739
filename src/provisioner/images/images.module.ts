import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ComputeBackends } from '../compute-backends';
import { HttpImageRegistry } from './http-image-registry';
import { ImageDigestWatcher } from './image-digest-watcher';
import { ImageEngine } from './image-engine.port';
import { ImageRefresh } from './image-refresh.service';
import { ImageRegistry } from './image-registry.port';
import { ImageRegistryLocation } from './image-registry-location';
import { RegistryCredentials } from './registry-credentials';
import { SeenDigestsRepository } from './seen-digests.repository';

/**
 * Layer 1: workspace images — where they live, pulling them and recreating their containers
 * (the admin refresh), and the digest watcher that does it when the registry moves.
 */
@Module({
  providers: [
    {
      provide: ImageRegistryLocation,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ImageRegistryLocation.parse(config.docker.imageRegistry),
    },
    {
      provide: RegistryCredentials,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        RegistryCredentials.from(config.ghcrUser, config.ghcrToken),
    },
    // The Docker backend's image side; none in control-plane mode or without Docker.
    {
      provide: ImageEngine,
      inject: [ComputeBackends],
      useFactory: (backends: ComputeBackends) => backends.images,
    },
    { provide: ImageRegistry, useClass: HttpImageRegistry },
    ImageRefresh,
    SeenDigestsRepository,
    ImageDigestWatcher,
  ],
  exports: [ImageRefresh, ImageRegistryLocation],
})
export class ImagesModule {}
