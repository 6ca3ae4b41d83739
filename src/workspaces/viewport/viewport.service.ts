import { Injectable, Logger } from '@nestjs/common';
import { badRequest, internalError } from '../../common/http/api-error';
import { Viewport, ViewportRepository } from './viewport.repository';

const DEFAULT_VIEWPORT: Viewport = { x: 0, y: 0, zoom: 1 };

/** The canvas pan/zoom state (spec 01 §6): cosmetic, so reads never fail. */
@Injectable()
export class ViewportService {
  private readonly logger = new Logger(ViewportService.name);

  constructor(private readonly viewports: ViewportRepository) {}

  /** The last saved viewport; the default when none was saved or the database is unreachable. */
  async get(): Promise<Viewport> {
    try {
      return (await this.viewports.latest()) ?? DEFAULT_VIEWPORT;
    } catch (err) {
      this.logger.warn({ err }, 'viewport read failed; serving the default');
      return DEFAULT_VIEWPORT;
    }
  }

  async save(body: Record<string, unknown>): Promise<void> {
    const viewport = { x: coordinate(body.x), y: coordinate(body.y), zoom: coordinate(body.zoom) };
    try {
      await this.viewports.save(viewport);
    } catch (err) {
      this.logger.error({ err }, 'viewport save failed');
      throw internalError('failed to save viewport');
    }
  }
}

/** An omitted field is 0 (zoom included, as in the reference); a non-number is refused. */
function coordinate(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw badRequest('invalid viewport data');
  return value;
}
