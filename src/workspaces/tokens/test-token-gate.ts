import { secretEquals } from '../../common/auth/bearer';
import { notFound, unauthorized } from '../../common/http/api-error';
import { AppConfig } from '../../config/app-config';

/**
 * The self-gate of `GET /admin/workspaces/:id/test-token` (spec 01 §7.2), which has no auth
 * guard. Hidden (404) only when MOLECULE_ENV is exactly `production` and the opt-in flag is off;
 * with ADMIN_TOKEN set, the Authorization header (a leading `Bearer ` removed, nothing trimmed)
 * must equal it.
 */
export function checkTestTokenGate(config: AppConfig, authorization: string | undefined): void {
  const enabled = config.enableTestTokens || config.moleculeEnv !== 'production';
  if (!enabled) throw notFound('not found');
  if (config.adminToken === '') return;
  const header = authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : header;
  if (!secretEquals(presented, config.adminToken)) throw unauthorized('admin auth required');
}
