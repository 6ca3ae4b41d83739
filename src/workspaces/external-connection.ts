import type { IncomingHttpHeaders } from 'node:http';

export interface ExternalConnection {
  workspace_id: string;
  platform_url: string;
  auth_token: string;
  registry_endpoint: string;
  heartbeat_endpoint: string;
  curl_register_template: string;
  python_snippet: string;
}

/**
 * The public base URL an external agent should call: EXTERNAL_PLATFORM_URL when set,
 * otherwise what the request says it came in on (proxy headers first).
 */
export function publicPlatformUrl(
  configured: string,
  headers: IncomingHttpHeaders,
  encrypted: boolean,
): string {
  if (configured !== '') return configured;
  const first = (v: string | string[] | undefined) =>
    (Array.isArray(v) ? v[0] : v)?.split(',')[0].trim() || '';
  const scheme = first(headers['x-forwarded-proto']) || (encrypted ? 'https' : 'http');
  const host = first(headers['x-forwarded-host']) || headers.host || 'localhost';
  return `${scheme}://${host}`.replace(/\/+$/, '');
}

/**
 * What the canvas shows once to someone connecting their own agent. The canvas swaps the
 * real token into both snippets by exact text replacement of the `<paste from create
 * response>` lines, so those lines must stay byte-identical.
 */
export function externalConnection(
  platformUrl: string,
  workspaceId: string,
  authToken: string,
): ExternalConnection {
  return {
    workspace_id: workspaceId,
    platform_url: platformUrl,
    auth_token: authToken,
    registry_endpoint: `${platformUrl}/registry/register`,
    heartbeat_endpoint: `${platformUrl}/registry/heartbeat`,
    curl_register_template: curlTemplate(platformUrl, workspaceId),
    python_snippet: pythonSnippet(platformUrl, workspaceId),
  };
}

function curlTemplate(platformUrl: string, workspaceId: string): string {
  return `WORKSPACE_ID="${workspaceId}"
WORKSPACE_AUTH_TOKEN="<paste from create response>"
AGENT_URL="https://your-agent.example.com"  # where your A2A server is reachable

curl -X POST ${platformUrl}/registry/register \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer $WORKSPACE_AUTH_TOKEN" \\
  -d '{"id": "'"$WORKSPACE_ID"'", "url": "'"$AGENT_URL"'", "agent_card": {"name": "My External Agent", "description": "", "version": "0.1.0"}}'
`;
}

function pythonSnippet(platformUrl: string, workspaceId: string): string {
  return `import time
import requests

PLATFORM_URL  = "${platformUrl}"
WORKSPACE_ID  = "${workspaceId}"
AUTH_TOKEN    = "<paste from create response>"
AGENT_URL     = "https://your-agent.example.com"  # where your A2A server is reachable

headers = {"Authorization": f"Bearer {AUTH_TOKEN}"}
requests.post(f"{PLATFORM_URL}/registry/register", headers=headers, timeout=10, json={
    "id": WORKSPACE_ID,
    "url": AGENT_URL,
    "agent_card": {"name": "My External Agent", "description": "", "version": "0.1.0"},
}).raise_for_status()

started = time.monotonic()
while True:  # a heartbeat every 30 s keeps the workspace online
    requests.post(f"{PLATFORM_URL}/registry/heartbeat", headers=headers, timeout=10, json={
        "workspace_id": WORKSPACE_ID, "error_rate": 0, "active_tasks": 0,
        "uptime_seconds": int(time.monotonic() - started),
    })
    time.sleep(30)
`;
}
