import { Injectable, Logger } from '@nestjs/common';
import { requireRegistryToken } from '../common/auth/token-gate';
import { WorkspaceTokens } from '../common/auth/workspace-tokens.service';
import { ApiError, badRequest, internalError, notFound } from '../common/http/api-error';
import { parseUuid } from '../common/http/uuid';
import { UrlGuard } from '../common/ssrf/url-guard';
import { EventEmitter } from '../events/event-emitter.port';
import { RegisterDto, UpdateCardDto } from './dto/register.dto';
import { RegistryRepository } from './registry.repository';

/**
 * A workspace runtime announcing itself (spec 02 §2, §4). The order of checks is part of the
 * contract: body, then URL safety, then the token gate.
 */
@Injectable()
export class RegistrationService {
  private readonly logger = new Logger(RegistrationService.name);

  constructor(
    private readonly registry: RegistryRepository,
    private readonly tokens: WorkspaceTokens,
    private readonly urlGuard: UrlGuard,
    private readonly events: EventEmitter,
  ) {}

  async register(
    dto: RegisterDto,
    authorization: string | undefined,
  ): Promise<Record<string, unknown>> {
    const id = parseUuid(dto.id);
    if (!id) throw badRequest('invalid request body');
    const check = await this.urlGuard.checkRegistrationUrl(dto.url);
    // Same 400 text as the reference (clients may match it), plus the reason it lacked.
    if (!check.ok)
      throw badRequest('invalid request body', { detail: `url rejected: ${check.reason}` });
    await requireRegistryToken(this.tokens, id, authorization);

    let hostUrl: string | undefined;
    try {
      hostUrl = await this.registry.register(id, dto.url, dto.agent_card);
    } catch (err) {
      this.logger.error({ err, workspaceId: id }, 'registration upsert failed');
      throw internalError('registration failed');
    }
    // A removed workspace stays removed: no resurrection, no event, no token.
    if (hostUrl === undefined) throw new ApiError(410, { error: 'workspace removed' });

    await this.events.recordAndBroadcast('WORKSPACE_ONLINE', id, {
      url: hostUrl,
      agent_card: dto.agent_card,
    });
    const authToken = await this.firstToken(id);
    return authToken ? { status: 'registered', auth_token: authToken } : { status: 'registered' };
  }

  async updateCard(
    dto: UpdateCardDto,
    authorization: string | undefined,
  ): Promise<Record<string, unknown>> {
    const id = parseUuid(dto.workspace_id);
    if (!id) throw badRequest('invalid request body');
    await requireRegistryToken(this.tokens, id, authorization);
    let updated: boolean;
    try {
      updated = await this.registry.updateCard(id, dto.agent_card);
    } catch (err) {
      this.logger.error({ err, workspaceId: id }, 'agent card update failed');
      throw internalError('failed to update card');
    }
    if (!updated) throw notFound('workspace not found');
    await this.events.recordAndBroadcast('AGENT_CARD_UPDATED', id, { agent_card: dto.agent_card });
    return { status: 'updated' };
  }

  /** The first register of a tokenless workspace gets its token; re-registering never rotates. */
  private async firstToken(workspaceId: string): Promise<string | undefined> {
    try {
      if (await this.tokens.hasLive(workspaceId)) return undefined;
      return await this.tokens.issue(workspaceId);
    } catch (err) {
      this.logger.error(
        { err, workspaceId },
        'token issuance failed; register answered without auth_token',
      );
      return undefined;
    }
  }
}
