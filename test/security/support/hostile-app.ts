import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HostResolver } from '../../../src/common/ssrf/host-resolver';
import { FakeHostResolver } from '../../../src/common/ssrf/testing/fake-host-resolver';
import { insertWorkspace } from '../../support/factories';
import { findLeaks } from '../../support/leak-markers';
import { ImageEngine } from '../../../src/provisioner/images/image-engine.port';
import { FakeDocker } from '../../support/fake-compute';
import { FakeImageEngine } from '../../support/fake-image-engine';
import { WorkspaceFileStore } from '../../../src/provisioner/workspace-file-store';
import { FakeFileStore } from '../../support/fake-file-store';
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
      CONFIGS_DIR: useScratchDir('molecule-hostile-configs-'),
      ADMIN_TOKEN: HOSTILE_ADMIN_TOKEN,
      MOLECULE_ENV: 'development',
      PLUGIN_GITHUB_API_URL: 'http://127.0.0.1:9',
    },
    { docker: new FakeDocker() },
    [
      { provide: HostResolver, useValue: new FakeHostResolver({ localhost: ['127.0.0.1'] }) },
      { provide: ImageEngine, useValue: new FakeImageEngine() },
      { provide: WorkspaceFileStore, useValue: new FakeFileStore() },
    ],
  );
  return app;
}

/**
 * A directory of its own for what the app writes to disk (imported templates), removed after
 * the file's tests: hostile input never lands in the checkout.
 */
export function useScratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
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
  // One row per statement, and a deadlock with the app's own work on those rows (what the last
  // requests set off: cascades, restarts) is retried: PostgreSQL chose this statement to undo.
  for (const id of replaces?.ids ?? [])
    await retryOnDeadlock(() =>
      db.query(
        `UPDATE workspaces SET status = 'removed', desired_state = 'removed', observed_state = 'removed'
          WHERE id = $1`,
        [id],
      ),
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

async function retryOnDeadlock<T>(statement: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= tries) throw err;
    }
  }
}

/** One violation of the hostile-input properties, ready to print. */
export type Violation = string;

/** 5xx answers the contract gives on these routes for reasons no input can avoid. */
const CONTRACT_5XX: Readonly<Record<string, readonly number[]>> = {
  // 03 §2.12: the agent is unreachable, busy, or slow.
  'POST /workspaces/:id/a2a': [502, 503, 504],
  // 01 §3.12: no control plane to read a console from.
  'GET /workspaces/:id/console': [501],
  // 05 §7.5–7.6: the plugin fetch failed or timed out; no running container to install into.
  'POST /workspaces/:id/plugins': [502, 503, 504],
  'DELETE /workspaces/:id/plugins/:name': [503],
  'GET /workspaces/:id/plugins/:name/download': [502, 504],
  // 02 §8: the workspace is removed, paused or has no URL yet, or its URL fails the SSRF check.
  'GET /registry/discover/:id': [503],
  // 03 §6.3: uploads are forwarded to the workspace, which has not registered a URL yet.
  'POST /workspaces/:id/chat/uploads': [503],
};

/** Refusals the contract shapes otherwise than `{"error": …}`. */
const CONTRACT_ERROR_SHAPES: Readonly<Record<string, readonly number[]>> = {
  // 02 §13.4: the WebSocket server's plain-text `Bad Request` to a non-upgrade GET.
  'GET /ws': [400],
  // 01 §3.5: `{"status":"confirmation_required", …}`.
  'DELETE /workspaces/:id': [409],
  // 01 §3.6: `{"workspace_id", "deleted": true}`.
  'GET /workspaces/:id/state': [404],
};

/**
 * Sends one request and checks what must hold for any input: an answer within 10 s, never a
 * 5xx beyond what the contract gives on `route` for reasons no input can avoid, errors in the
 * contract's shape, no internals or planted secrets in the answer, and — when refused with a
 * 4xx — nothing written by its work. Returns the request's audit id when it was refused (so
 * writes that trail the answer can be checked later).
 */
export async function probe(
  baseUrl: string,
  audit: WriteAudit,
  req: RawRequest,
  route: string,
): Promise<{ res: RawResponse; violations: Violation[]; refusedId?: string }> {
  const id = randomUUID();
  let res: RawResponse;
  try {
    res = await send(baseUrl, { ...req, headers: { ...req.headers, [REQUEST_ID_HEADER]: id } });
  } catch (err) {
    const noAnswer = { status: 0, headers: new Headers(), text: '', error: undefined };
    return { res: noAnswer, violations: [`no answer: ${(err as Error).message}`] };
  }
  const violations: Violation[] = [];
  const echo =
    typeof req.body === 'string' ? req.body : req.body ? Buffer.from(req.body).toString() : '';
  if (res.status >= 500 && !(CONTRACT_5XX[route] ?? []).includes(res.status))
    violations.push(`answered ${res.status} ${res.text.slice(0, 120)}`);
  const otherShape = (CONTRACT_ERROR_SHAPES[route] ?? []).includes(res.status);
  if (res.status >= 400 && res.error === undefined && res.text !== '' && !otherShape)
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
