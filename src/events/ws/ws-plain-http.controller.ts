import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { WsHandshake } from './ws-handshake';
import { ApiTag } from '../../common/openapi/tags';
import { EventsApi } from '../events.api';

/**
 * `/ws` only speaks WebSocket; a plain GET is answered the way the reference's handler does:
 * an agent's credentials are checked first (401 JSON), then the WebSocket server's 400.
 */
@ApiTag('events')
@Controller()
export class WsPlainHttpController {
  constructor(private readonly handshake: WsHandshake) {}

  @EventsApi.ws
  @Get('ws')
  async notAnUpgrade(@Req() req: Request, @Res() res: Response): Promise<void> {
    const verdict = await this.handshake.subscriber(req);
    if (!verdict.ok) {
      res.status(verdict.status).type(verdict.contentType).send(verdict.body);
      return;
    }
    res.status(400).type('text/plain').send('Bad Request');
  }
}
