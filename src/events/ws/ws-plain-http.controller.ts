import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';

/** `/ws` only speaks WebSocket; a plain GET is answered the way a WebSocket server does. */
@Controller()
export class WsPlainHttpController {
  @Get('ws')
  notAnUpgrade(@Res() res: Response): void {
    res.status(400).type('text/plain').send('Bad Request');
  }
}
