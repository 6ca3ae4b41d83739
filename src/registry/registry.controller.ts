import { Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { JsonBody } from '../common/http/json-body.decorator';
import { HeartbeatDto } from './dto/heartbeat.dto';
import { RegisterDto, UpdateCardDto } from './dto/register.dto';
import { HeartbeatService } from './heartbeat/heartbeat.service';
import { RegistrationService } from './registration.service';
import { ApiTag } from '../common/openapi/tags';
import { RegistryApi } from './registry.api';

/** The workspace runtime's calls (spec 02 §2–§4); the gate is the body's workspace token. */
@ApiTag('registry')
@Controller('registry')
export class RegistryController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly heartbeats: HeartbeatService,
  ) {}

  @RegistryApi.register
  @Post('register')
  @HttpCode(200)
  register(
    @JsonBody(RegisterDto, 'invalid request body') body: RegisterDto,
    @Headers('authorization') authorization?: string,
  ): Promise<Record<string, unknown>> {
    return this.registration.register(body, authorization);
  }

  @RegistryApi.heartbeat
  @Post('heartbeat')
  @HttpCode(200)
  heartbeat(
    @JsonBody(HeartbeatDto, 'invalid request body') body: HeartbeatDto,
    @Headers('authorization') authorization?: string,
  ): Promise<{ status: 'ok' }> {
    return this.heartbeats.heartbeat(body, authorization);
  }

  @RegistryApi.updateCard
  @Post('update-card')
  @HttpCode(200)
  updateCard(
    @JsonBody(UpdateCardDto, 'invalid request body') body: UpdateCardDto,
    @Headers('authorization') authorization?: string,
  ): Promise<Record<string, unknown>> {
    return this.registration.updateCard(body, authorization);
  }
}
