/** Where the OpenAPI document and its browsable form are served (open, like `/health`). */
export const OPENAPI_JSON_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/** Whether a request path belongs to the API docs themselves (the page, its assets, the JSON). */
export function isApiDocsPath(path: string): boolean {
  return path === OPENAPI_JSON_PATH || path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`);
}
