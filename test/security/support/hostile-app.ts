import { randomUUID } from 'node:crypto';
import { HostResolver } from '../../../src/common/ssrf/host-resolver';
import { FakeHostResolver } from '../../../src/common/ssrf/testing/fake-host-resolver';
import { insertWorkspace } from '../../support/factories';
import { findLeaks } from '../../support/leak-markers';
import { FakeDocker } from '../../support/fake-compute';
import { useComputeApp } from '../../support/lifecycle';
import { TestDatabase } from '../../support/test-database';
import { describeWrites, REQUEST_ID_HEADER, WriteAudit } from '../../support/write-audit';
import { IdPool } from './body-arbitraries';
import { RawRequest, RawResponse, send } from './send';

export const HOSTILE_ADMIN_TOKEN = 'hostile-admin-token-7f3a9c';

/**
 * An app set up to take hostile input safely: ADMIN_TOKEN opens every admin and workspace
 * route, compute is an in-memory Docker engine, names resolve through a fake resolver (no DNS
 * query leaves the machine), plugin fetches go to a closed loopback port, and loopback agents
 * are reachable (dev mode).
 */
export function useHostileApp(db: TestDatabase) {
  const app = useComputeApp(
    db,
    {
      ADMIN_TOKEN: HOSTILE_ADMIN_TOKEN,
      MOLECULE_ENV: 'development',
      PLUGIN_GITHUB_API_URL: 'http://127.0.0.1:9',
    },
    { docker: new FakeDocker() },
    [{ provide: HostResolver, useValue: new FakeHostResolver({ localhost: ['127.0.0.1'] }) }],
  );
  return app;
}

/** The rows hostile requests refer to: a parent with a child, a sibling with a live agent. */
export interface HostileCast extends IdPool {
  readonly subject: string;
  readonly child: string;
  readonly sibling: string;
  readonly removed: string;
}

/**
 * A fresh cast. The one it replaces (if any) is settled as removed first, straight in the
 * table (no reconcile), so what accepted requests set off — a global secret change restarts
 * every live workspace — stays proportional to the casts in use.
 */
export async function insertHostileCast(
  db: TestDatabase,
  agentUrl: string,
  replaces?: HostileCast,
): Promise<HostileCast> {
  // One row per statement: a multi-row update could deadlock with the app's own.
  for (const id of replaces?.ids ?? [])
    await db.query(
      `UPDATE workspaces SET status = 'removed', desired_state = 'removed', observed_state = 'removed'
        WHERE id = $1`,
      [id],
    );
  const subject = await insertWorkspace(db, { name: 'hostile-subject' });
  const child = await insertWorkspace(db, { name: 'hostile-child', parent_id: subject });
  const sibling = await insertWorkspace(db, { name: 'hostile-sibling', url: agentUrl });
  await db.query('UPDATE workspaces SET internal_url = $2 WHERE id = $1', [sibling, agentUrl]);
  const removed = await insertWorkspace(db, { name: 'hostile-removed', status: 'removed' });
  return {
    subject,
    child,
    sibling,
    removed,
    ids: [subject, child, sibling, removed, randomUUID()],
  };
}

/** One violation of the hostile-input properties, ready to print. */
export type Violation = string;

/**
 * Sends one request and checks what must hold for any input: an answer within 10 s, never a
 * 5xx beyond `allowed5xx`, errors in the contract's `{"error": …}` shape, no internals or
 * planted secrets in the answer, and — when refused with a 4xx — nothing written by its work.
 * Returns the request's audit id when it was refused (so trailing writes can be checked later).
 */
export async function probe(
  baseUrl: string,
  audit: WriteAudit,
  req: RawRequest,
  allowed5xx: readonly number[] = [],
): Promise<{ res: RawResponse; violations: Violation[]; refusedId?: string }> {
  const id = randomUUID();
  const res = await send(baseUrl, { ...req, headers: { ...req.headers, [REQUEST_ID_HEADER]: id } });
  const violations: Violation[] = [];
  const echo =
    typeof req.body === 'string' ? req.body : req.body ? Buffer.from(req.body).toString() : '';
  if (res.status >= 500 && !allowed5xx.includes(res.status))
    violations.push(`answered ${res.status} ${res.text.slice(0, 120)}`);
  if (res.status >= 400 && res.error === undefined && res.text !== '')
    violations.push(
      `error without the {"error": …} shape: ${res.status} ${res.text.slice(0, 120)}`,
    );
  for (const leak of findLeaks(res.text, [HOSTILE_ADMIN_TOKEN], echo))
    violations.push(`leaked ${leak} (${res.status})`);
  const refused = res.status >= 400 && res.status < 500;
  if (refused) {
    const writes = await audit.byRequest(id);
    if (writes.length > 0)
      violations.push(
        `refused with ${res.status} ${res.error} but wrote ${describeWrites(writes)}`,
      );
  }
  return { res, violations, refusedId: refused ? id : undefined };
}
