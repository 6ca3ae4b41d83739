import { Injectable, Logger } from '@nestjs/common';
import { AuthContext } from '../../common/auth/auth-context';
import { badRequest, forbidden, notFound } from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { pluginNameProblem } from '../staging/plugin-names';
import { PutAllowlistDto } from './dto/put-allowlist.dto';
import { OrgPluginAllowlistRepository } from './org-plugin-allowlist.repository';

export interface AllowlistView {
  org_id: string;
  plugins: unknown;
  allow_all: boolean;
}

/** The org plugin allowlist routes (spec 07 §10). */
@Injectable()
export class OrgPluginAllowlistService {
  private readonly logger = new Logger(OrgPluginAllowlistService.name);

  constructor(private readonly allowlist: OrgPluginAllowlistRepository) {}

  async get(orgId: string, auth: AuthContext | undefined): Promise<AllowlistView> {
    await this.requireOrg(orgId, auth);
    const rows = await orInternalError(
      this.allowlist.list(orgId),
      'failed to fetch allowlist',
      this.logger,
    );
    const plugins = rows.map((row) => ({
      plugin_name: row.plugin_name,
      enabled_by: row.enabled_by,
      enabled_at: row.enabled_at,
    }));
    return { org_id: orgId, plugins, allow_all: plugins.length === 0 };
  }

  /** Echoes the request's list as sent (duplicates kept, `null` when omitted), as the reference. */
  async put(
    orgId: string,
    body: PutAllowlistDto,
    auth: AuthContext | undefined,
  ): Promise<AllowlistView> {
    const plugins = body.plugins ?? null;
    const enabledBy = body.enabled_by ?? '';
    if (enabledBy === '') throw badRequest('enabled_by is required');
    for (const name of plugins ?? []) {
      const problem = pluginNameProblem(name);
      if (problem) throw badRequest('invalid plugin name', { plugin_name: name, detail: problem });
    }
    await this.requireOrg(orgId, auth);
    await orInternalError(
      this.allowlist.replace(orgId, plugins ?? [], enabledBy),
      'failed to update allowlist',
      this.logger,
    );
    return { org_id: orgId, plugins, allow_all: (plugins ?? []).length === 0 };
  }

  /** Existence (removed rows count), then ownership: an org token must belong to this org. */
  private async requireOrg(orgId: string, auth: AuthContext | undefined): Promise<void> {
    const exists = await orInternalError(
      this.allowlist.orgExists(orgId),
      'failed to verify org',
      this.logger,
    );
    if (!exists) throw notFound('org not found');
    if (auth?.via === 'org-token' && auth.orgId !== orgId) throw forbidden('org access denied');
  }
}
