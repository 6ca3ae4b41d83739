import { ApiTags } from '@nestjs/swagger';

/** The document's sections, in the order `/docs` shows them (roughly the layers, bottom up). */
const TAGS = {
  operations:
    'Probes and operator views: liveness, readiness, Prometheus metrics, background-loop liveness.',
  events: 'Recorded structure events, the per-workspace SSE stream, the `/ws` WebSocket.',
  workspaces: 'Workspace CRUD and the state agents poll.',
  lifecycle: 'Restart, pause, resume, hibernate; console output; bootstrap failures.',
  secrets: "Workspace and global secrets (encrypted at rest), a workspace's model override.",
  tokens: 'Workspace bearer tokens.',
  budget: "A workspace's monthly budget.",
  canvas: 'The canvas viewport.',
  bundles: 'Workspace bundles: export and import.',
  templates: 'Workspace templates under `CONFIGS_DIR`, and importing one from an agent folder.',
  registry:
    'What the workspace runtime calls: register, heartbeat, agent card; discovery and access.',
  files: "A workspace's files and config: the Files and Config tabs, shared context.",
  activity: 'The activity log, agent notifications, session search.',
  a2a: 'The A2A proxy, delegation between workspaces, the busy queue.',
  'chat files': 'Chat attachments: uploads to a workspace, downloads from it.',
  memories: 'Agent memories and their search, export and import.',
  approvals: 'Human approvals agents ask for.',
  checkpoints: 'Workflow checkpoints.',
  instructions: 'Platform instructions injected into system prompts.',
  'token usage': "A workspace's LLM token usage.",
  schedules: 'Cron schedules that fire prompts into workspaces.',
  org: 'Org templates and import, org API tokens.',
  plugins: 'Plugin registry, sources, per-workspace install, the org allowlist.',
  images: 'Workspace image refresh (Docker mode).',
} as const;

export type ApiTagName = keyof typeof TAGS;

/** Files a controller under one of the document's sections. */
export function ApiTag(name: ApiTagName): ClassDecorator {
  return ApiTags(name);
}

export const API_TAGS: readonly { name: string; description: string }[] = Object.entries(TAGS).map(
  ([name, description]) => ({ name, description }),
);
