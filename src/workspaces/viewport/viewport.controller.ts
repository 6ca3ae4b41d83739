import { Controller, Get, Put, UseGuards } from '@nestjs/common';
import { CanvasOrBearerGuard } from '../../common/auth/canvas-or-bearer.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { Viewport } from './viewport.repository';
import { ViewportService } from './viewport.service';
import { ApiTag } from '../../common/openapi/tags';
import { ViewportApi } from './viewport.api';

@ApiTag('canvas')
@Controller('canvas/viewport')
export class ViewportController {
  constructor(private readonly viewports: ViewportService) {}

  /** Open: the canvas fetches it before it holds any credential. */
  @ViewportApi.get
  @Get()
  get(): Promise<Viewport> {
    return this.viewports.get();
  }

  @ViewportApi.save
  @Put()
  @UseGuards(CanvasOrBearerGuard)
  async save(
    @JsonBody(undefined, 'invalid viewport data', { nullAsEmpty: true })
    body: Record<string, unknown>,
  ): Promise<{ status: string }> {
    await this.viewports.save(body);
    return { status: 'saved' };
  }
}
