/**
 * The lifecycle's hibernate action — the path `POST /workspaces/:id/hibernate` takes — as the
 * hibernation monitor needs it. The lifecycle decides again under its own claim: a workspace
 * that became busy or left `online` / `degraded` since it was picked stays as it is, and the
 * answer is `false`.
 */
export abstract class WorkspaceHibernation {
  abstract hibernate(workspaceId: string): Promise<boolean>;
}
