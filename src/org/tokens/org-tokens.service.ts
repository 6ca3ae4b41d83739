import { Injectable, Logger } from '@nestjs/common';
import { mintToken } from '../../common/auth/token-codec';
import { badRequest, internalError, notFound } from '../../common/http/api-error';
import { parseUuid } from '../../common/http/uuid';
import { OrgTokenProvenance } from './org-token-provenance';
import { OrgTokenRow, OrgTokensRepository } from './org-tokens.repository';

const MAX_NAME_BYTES = 100;

/** A listed token; empty optional fields are omitted, never null. */
export interface OrgTokenView {
  id: string;
  prefix: string;
  name?: string;
  org_id?: string;
  created_by?: string;
  created_at: Date;
  last_used_at?: Date;
}

export interface MintedOrgToken {
  id: string;
  prefix: string;
  name?: string;
  auth_token: string;
  warning: string;
}

/** Org API tokens: tenant-wide admin credentials (spec 01 §7.3). */
@Injectable()
export class OrgTokensService {
  private readonly logger = new Logger(OrgTokensService.name);

  constructor(private readonly tokens: OrgTokensRepository) {}

  /** Live tokens, newest first (capped). */
  async list(): Promise<{ tokens: OrgTokenView[]; count: number }> {
    let rows: OrgTokenRow[];
    try {
      rows = await this.tokens.listLive();
    } catch (err) {
      this.logger.error({ err }, 'org token list failed');
      throw internalError('failed to list tokens');
    }
    return { tokens: rows.map(toView), count: rows.length };
  }

  /** Mints a token; the plaintext is in the answer and nowhere else. */
  async mint(name: string, provenance: OrgTokenProvenance): Promise<MintedOrgToken> {
    if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES)
      throw badRequest('name too long (max 100 chars)');
    const minted = mintToken();
    let id: string;
    try {
      id = await this.tokens.insert({
        hash: minted.hash,
        prefix: minted.prefix,
        name,
        ...provenance,
      });
    } catch (err) {
      this.logger.error({ err }, 'org token mint failed');
      throw internalError('failed to mint token');
    }
    this.logger.log(
      { id, prefix: minted.prefix, createdBy: provenance.createdBy },
      'org token minted',
    );
    return {
      id,
      prefix: minted.prefix,
      ...(name !== '' ? { name } : {}),
      auth_token: minted.plaintext,
      warning: 'copy this token now; it will not be shown again',
    };
  }

  /** Revokes a live token; an unknown, revoked or malformed id is the same 404. */
  async revoke(rawId: string): Promise<void> {
    const id = parseUuid(rawId);
    let revoked = false;
    if (id) {
      try {
        revoked = await this.tokens.revoke(id);
      } catch (err) {
        this.logger.error({ err }, 'org token revoke failed');
        throw internalError('failed to revoke');
      }
    }
    if (!revoked) throw notFound('token not found or already revoked');
  }
}

function toView(row: OrgTokenRow): OrgTokenView {
  return {
    id: row.id,
    prefix: row.prefix,
    ...(row.name ? { name: row.name } : {}),
    ...(row.org_id ? { org_id: row.org_id } : {}),
    ...(row.created_by ? { created_by: row.created_by } : {}),
    created_at: row.created_at,
    ...(row.last_used_at ? { last_used_at: row.last_used_at } : {}),
  };
}
