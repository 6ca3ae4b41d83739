import { CanActivate, Injectable } from '@nestjs/common';
import { notFound } from '../../common/http/api-error';
import { ImageRefresh } from '../../provisioner/images/image-refresh.service';

/**
 * The image-refresh route exists only in Docker mode (spec 04 §8): elsewhere it answers like
 * any unknown route, before authentication, as if it were not registered.
 */
@Injectable()
export class DockerOnlyGuard implements CanActivate {
  constructor(private readonly images: ImageRefresh) {}

  canActivate(): boolean {
    if (!this.images.available) throw notFound('not found');
    return true;
  }
}
