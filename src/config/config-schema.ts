/**
 * Every environment variable the server reads, with its default and meaning.
 * `.env.example` is checked against this table by a unit test, so the two cannot drift.
 */
export interface EnvVarSpec {
  readonly name: string;
  /** Text written in `.env.example`; empty means "unset by default". */
  readonly defaultText: string;
  readonly meaning: string;
}

export const ENV_VARS: readonly EnvVarSpec[] = [
  { name: 'PORT', defaultText: '8080', meaning: 'HTTP listen port.' },
  {
    name: 'DATABASE_URL',
    defaultText: '',
    meaning:
      'PostgreSQL DSN. Unset: an embedded PostgreSQL is started under MOLECULE_DATA_DIR and stopped on shutdown.',
  },
  {
    name: 'MOLECULE_DATA_DIR',
    defaultText: '.data',
    meaning:
      'Directory for the embedded PostgreSQL cluster (only used when DATABASE_URL is unset).',
  },
  {
    name: 'EMBEDDED_POSTGRES_PORT',
    defaultText: '54330',
    meaning: 'Port of the embedded PostgreSQL (only used when DATABASE_URL is unset).',
  },
  {
    name: 'DATABASE_CONNECT_TIMEOUT_MS',
    defaultText: '2500',
    meaning:
      'How long a request waits for a database connection (a free one in the pool, or a new one) before it is answered 503 platform_unavailable.',
  },
  {
    name: 'DATABASE_STATEMENT_TIMEOUT_MS',
    defaultText: '5000',
    meaning:
      'How long the server waits for the answer to one SQL statement before it gives the connection up (a database that stopped answering); bulk work of background loops has longer bounds of its own.',
  },
  {
    name: 'LOG_LEVEL',
    defaultText: 'info',
    meaning: 'pino log level: trace, debug, info, warn, error, fatal.',
  },
  {
    name: 'LOG_FORMAT',
    defaultText: '',
    meaning:
      'json (one JSON object per line) or pretty (coloured, human-readable). Unset: pretty when stdout is a terminal, json otherwise.',
  },
  {
    name: 'SHUTDOWN_GRACE_SECONDS',
    defaultText: '30',
    meaning:
      'On SIGTERM/SIGINT: how long in-flight requests, proxied calls and background work may take to finish before they are cut.',
  },
  {
    name: 'MOLECULE_ENV',
    defaultText: '',
    meaning:
      'prod/production: SECRETS_ENCRYPTION_KEY mandatory; exactly "production": test-token route hidden. dev/development: outbound URL guard allows loopback and private ranges, and (without ADMIN_TOKEN) auth and rate limiting fail open.',
  },
  {
    name: 'ADMIN_TOKEN',
    defaultText: '',
    meaning:
      'Break-glass admin bearer. When set, only it (or an org token / control-plane session) satisfies admin auth, fresh installs fail closed and dev mode is disabled.',
  },
  {
    name: 'MOLECULE_ENABLE_TEST_TOKENS',
    defaultText: '',
    meaning: '"1" enables GET /admin/workspaces/:id/test-token even when MOLECULE_ENV=production.',
  },
  {
    name: 'MOLECULE_DEPLOY_MODE',
    defaultText: '',
    meaning:
      'saas, or self-hosted/selfhosted/standalone. SaaS relaxes the URL guards for RFC-1918 ranges. Unknown values are treated as self-hosted (with a warning).',
  },
  {
    name: 'MOLECULE_ORG_ID',
    defaultText: '',
    meaning:
      'Tenant org id. Enables the tenant guard (X-Molecule-Org-Id required) and implies SaaS mode when MOLECULE_DEPLOY_MODE is unset.',
  },
  {
    name: 'MOLECULE_ORG_SLUG',
    defaultText: '',
    meaning: 'Tenant slug used to verify control-plane session cookies.',
  },
  {
    name: 'CP_UPSTREAM_URL',
    defaultText: '',
    meaning: 'Control-plane base URL used to verify session cookies (GET /cp/auth/tenant-member).',
  },
  {
    name: 'CORS_ORIGINS',
    defaultText: '',
    meaning:
      'Comma-separated allowed browser origins. Unset: http://localhost:3000 and http://localhost:3001. When set, WebSocket upgrades must present a matching Origin.',
  },
  {
    name: 'RATE_LIMIT',
    defaultText: '600',
    meaning: 'Requests per minute per client IP (fixed window). Non-positive or invalid: 600.',
  },
  {
    name: 'CANVAS_PROXY_URL',
    defaultText: '',
    meaning:
      'Set in the combined tenant image: trusts same-origin canvas requests (Referer/Origin equal to the Host).',
  },
  {
    name: 'PLATFORM_URL',
    defaultText: '',
    meaning:
      'URL handed to workspaces to reach the platform. Default http://host.docker.internal:<PORT>.',
  },
  {
    name: 'EXTERNAL_PLATFORM_URL',
    defaultText: '',
    meaning:
      'Public base URL put in the external-workspace connection payload; otherwise derived from the request.',
  },
  {
    name: 'CONFIGS_DIR',
    defaultText: '',
    meaning:
      'Workspace templates root. Default: the first of workspace-configs-templates, ../…, ../../… holding a template with config.yaml.',
  },
  {
    name: 'SECRETS_ENCRYPTION_KEY',
    defaultText: '',
    meaning:
      '32-byte AES-256-GCM key for secrets at rest, base64 or raw. Unset: secrets are stored as plaintext.',
  },
  {
    name: 'PLUGINS_DIR',
    defaultText: '',
    meaning:
      'Plugin registry served by GET /plugins and the local:// source. Default: the first of <CONFIGS_DIR>/../plugins, ../plugins, plugins holding a plugin directory.',
  },
  {
    name: 'PLUGIN_ALLOW_UNPINNED',
    defaultText: '',
    meaning:
      'Exactly "true" allows github://owner/repo sources without a #ref; otherwise a tag or commit is required.',
  },
  {
    name: 'PLUGIN_INSTALL_BODY_MAX_BYTES',
    defaultText: '65536',
    meaning: 'Largest plugin install request body, in bytes. Non-positive or invalid: 65536.',
  },
  {
    name: 'PLUGIN_INSTALL_FETCH_TIMEOUT',
    defaultText: '5m',
    meaning:
      'Deadline for fetching a plugin on install or download, as a Go duration (30s, 5m, 1h30m). Non-positive or invalid: 5m.',
  },
  {
    name: 'PLUGIN_INSTALL_MAX_DIR_BYTES',
    defaultText: '104857600',
    meaning:
      'Largest staged plugin tree (and unpacked GitHub archive), in bytes. Non-positive or invalid: 104857600.',
  },
  {
    name: 'PLUGIN_GITHUB_API_URL',
    defaultText: 'https://api.github.com',
    meaning:
      'Base URL of the GitHub API the github:// plugin source downloads repository tarballs from.',
  },
  {
    name: 'RECONCILE_CONCURRENCY',
    defaultText: '16',
    meaning:
      'Workspaces one replica drives at the same time (provisions, stops, removals). Each workspace is always one cycle at a time.',
  },
  {
    name: 'RECONCILE_LEASE_SECONDS',
    defaultText: '30',
    meaning:
      'Lease of a replica on a workspace it is reconciling, renewed while it works. A replica that dies (SIGKILL) loses its workspaces to another replica at most this long after its last renewal.',
  },
  {
    name: 'RECONCILE_SCAN_INTERVAL_SECONDS',
    defaultText: '5',
    meaning:
      'How often each replica looks for workspaces whose compute differs from their desired state and nobody drives (work a crashed replica left, retries after a failure).',
  },
  {
    name: 'A2A_IDLE_TIMEOUT_SECONDS',
    defaultText: '300',
    meaning:
      'A2A dispatch idle window: the upstream call is cancelled when no event for the target arrives for this long.',
  },
  {
    name: 'LIVENESS_TTL_SECONDS',
    defaultText: '180',
    meaning:
      'A workspace whose last heartbeat is older than this goes offline. Silence is counted from server start at the earliest, so after an outage the fleet gets one TTL to heartbeat.',
  },
  {
    name: 'LIVENESS_SWEEP_INTERVAL_SECONDS',
    defaultText: '15',
    meaning: 'How often the liveness sweep looks for expired heartbeats.',
  },
  {
    name: 'ACTIVITY_RETENTION_DAYS',
    defaultText: '7',
    meaning: 'activity_logs rows older than this many days are deleted by the retention job.',
  },
  {
    name: 'ACTIVITY_CLEANUP_INTERVAL_HOURS',
    defaultText: '6',
    meaning: 'Retention job interval in hours (fractions allowed). Zero, negative or invalid: 6.',
  },
  {
    name: 'SCHEDULER_POLL_INTERVAL_MS',
    defaultText: '30000',
    meaning:
      'How often each replica looks for due cron schedules. A due schedule fires at most this late.',
  },
  {
    name: 'DELIVERY_LEASE_SECONDS',
    defaultText: '30',
    meaning:
      'Lease of a replica on a cron fire or a queued A2A delivery it has in flight, renewed while the call is out. When a replica dies, another takes its fires and deliveries over this long after its last renewal: one not yet sent is sent (once), one already sent is recorded as interrupted, never sent twice.',
  },
  {
    name: 'WORKSPACE_NETWORK',
    defaultText: 'molecule-monorepo-net',
    meaning:
      'Docker network of workspace containers. A bridge network name (created when missing; the container gets its name as alias and 8000/tcp published on 127.0.0.1), or "host": host networking, each workspace on its own free loopback port (A2A_PORT and a2a.port in config.yaml), URL http://127.0.0.1:<port>. The Docker client itself reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.',
  },
  {
    name: 'MOLECULE_IMAGE_REGISTRY',
    defaultText: 'ghcr.io/molecule-ai',
    meaning:
      "Workspace image prefix <host[:port]>/<path>: images are <prefix>/workspace-template-<runtime>:latest. The image refresh and digest watcher speak to the host's registry API over https, plain http for loopback hosts (127.0.0.1, localhost).",
  },
  {
    name: 'MOLECULE_IMAGE_PLATFORM',
    defaultText: '',
    meaning:
      'os/arch forced on image pulls and container creates. Present but empty (as here) forces nothing; absent: linux/amd64 on Apple Silicon, the daemon default elsewhere.',
  },
  {
    name: 'MOLECULE_DOCKER_SCOPE',
    defaultText: '',
    meaning:
      'Optional. When set, containers and volumes also carry molecule.platform.scope=<value> and every Docker list and sweep sees only that scope, so several platforms can share one engine.',
  },
  {
    name: 'MOLECULE_IN_DOCKER',
    defaultText: '',
    meaning:
      'Whether this server runs in a container (boolean; unset: presence of /.dockerenv). In a container on a bridge network, the A2A proxy reaches 127.0.0.1 workspace URLs as http://ws-<id12>:8000.',
  },
  {
    name: 'TIER2_MEMORY_MB',
    defaultText: '512',
    meaning: 'Memory cap (MiB) of tier-2 workspace containers.',
  },
  {
    name: 'TIER2_CPU_SHARES',
    defaultText: '1024',
    meaning: 'CPU cap of tier-2 containers in shares (1024 = one CPU, applied as NanoCPUs).',
  },
  {
    name: 'TIER3_MEMORY_MB',
    defaultText: '2048',
    meaning: 'Memory cap (MiB) of tier-3 containers.',
  },
  {
    name: 'TIER3_CPU_SHARES',
    defaultText: '2048',
    meaning: 'CPU cap of tier-3 containers in shares.',
  },
  {
    name: 'TIER4_MEMORY_MB',
    defaultText: '4096',
    meaning: 'Memory cap (MiB) of tier-4 containers.',
  },
  {
    name: 'TIER4_CPU_SHARES',
    defaultText: '4096',
    meaning: 'CPU cap of tier-4 containers in shares.',
  },
  {
    name: 'WORKSPACE_DIR',
    defaultText: '',
    meaning:
      'Default host directory mounted at /workspace when neither the request nor the workspace row names one. Unset: a named volume per workspace.',
  },
  {
    name: 'AWARENESS_URL',
    defaultText: '',
    meaning: 'Injected into containers with AWARENESS_NAMESPACE (workspace:<id>) when set.',
  },
  {
    name: 'CP_PROVISION_URL',
    defaultText: '',
    meaning:
      'Control-plane base URL for workspace instances (SaaS, MOLECULE_ORG_ID set). Unset: MOLECULE_CP_URL, else https://api.moleculesai.app.',
  },
  {
    name: 'MOLECULE_CP_URL',
    defaultText: '',
    meaning: 'Control-plane base URL, used when CP_PROVISION_URL is unset.',
  },
  {
    name: 'MOLECULE_CP_SHARED_SECRET',
    defaultText: '',
    meaning: "Bearer for the control plane's /cp/workspaces/* routes.",
  },
  {
    name: 'PROVISION_SHARED_SECRET',
    defaultText: '',
    meaning: 'Used when MOLECULE_CP_SHARED_SECRET is unset.',
  },
  {
    name: 'CP_ADMIN_API_TOKEN',
    defaultText: '',
    meaning:
      "Bearer for the control plane's /cp/admin/* routes (console output). Unset: the provision shared secret.",
  },
  {
    name: 'ORPHAN_SWEEP_INTERVAL_SECONDS',
    defaultText: '60',
    meaning:
      'Docker mode: how often the orphan sweeper reaps containers of removed or unknown workspaces and revokes stale tokens of workspaces with no container (first pass at start).',
  },
  {
    name: 'STALE_TOKEN_GRACE_SECONDS',
    defaultText: '300',
    meaning:
      'A live token of a workspace with no container is revoked by the orphan sweeper once unused for this long.',
  },
  {
    name: 'HEALTH_SWEEP_INTERVAL_SECONDS',
    defaultText: '15',
    meaning:
      'How often online workspaces are checked for a container (Docker) or instance (control plane) that is gone; a dead one is marked offline and restarted.',
  },
  {
    name: 'PROVISION_TIMEOUT_SWEEP_INTERVAL_SECONDS',
    defaultText: '30',
    meaning: 'How often workspaces stuck in provisioning past their timeout are marked failed.',
  },
  {
    name: 'PROVISION_TIMEOUT_SECONDS',
    defaultText: '',
    meaning:
      "Provisioning timeout for every runtime. Unset: the largest runtime_config.provision_timeout_seconds of the runtime's templates, else 1800 for hermes and 600 for the others.",
  },
  {
    name: 'HIBERNATION_SWEEP_INTERVAL_SECONDS',
    defaultText: '60',
    meaning:
      'How often workspaces with hibernation_idle_minutes set are hibernated once idle (no activity, no A2A traffic, no task) for that long.',
  },
  {
    name: 'GHCR_USER',
    defaultText: '',
    meaning: 'Registry user for image pulls and digest lookups (used only with GHCR_TOKEN).',
  },
  {
    name: 'GHCR_TOKEN',
    defaultText: '',
    meaning: 'Registry token or password for image pulls and digest lookups (with GHCR_USER).',
  },
  {
    name: 'IMAGE_AUTO_REFRESH',
    defaultText: 'false',
    meaning:
      'Docker mode: "true" polls the registry for new workspace image digests and refreshes the runtime whose image changed (pull, then recreate its containers).',
  },
  {
    name: 'IMAGE_WATCH_INTERVAL_SECONDS',
    defaultText: '300',
    meaning: 'How often the image digest watcher polls the registry (first poll at start).',
  },
  {
    name: 'CHAT_UPLOAD_SPILL_DIR',
    defaultText: '',
    meaning:
      'Where chat uploads for runtimes without an ingest endpoint are staged (at most 50 MiB per upload, removed when it ends). Default: the system temp directory.',
  },
];
