import type { INestApplication } from '@nestjs/common';

/** One route the running app serves: an upper-case method and the Express path pattern. */
export interface AppRoute {
  readonly method: string;
  readonly path: string;
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * Every route the running app answers, read from its Express router — what is really mounted,
 * so a route added anywhere (a new controller, a new module) shows up without being listed.
 * Middleware Nest binds to every method and path (`/{*path}`, e.g. the HTTP logger) is not a
 * route and is left out; so is the WebSocket upgrade, which never reaches Express.
 */
export function appRoutes(app: INestApplication): AppRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const routes: AppRoute[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const methods = Object.keys(layer.route.methods).filter((m) => layer.route?.methods[m]);
    if (methods.length > 1 && layer.route.path === '/{*path}') continue;
    for (const method of methods)
      routes.push({ method: method.toUpperCase(), path: layer.route.path });
  }
  return routes;
}

/** `GET /workspaces/:id` — the key the route tables use. */
export function routeKey(route: AppRoute): string {
  return `${route.method} ${route.path}`;
}

/** One route in OpenAPI's path template style: `GET /workspaces/{id}`. */
export type RouteKey = `${string} /${string}`;

/** Every route the running app answers, as OpenAPI keys, sorted and without repeats. */
export function registeredRoutes(app: INestApplication): RouteKey[] {
  const keys = appRoutes(app).map((r) => `${r.method} ${templatePath(r.path)}` as RouteKey);
  return [...new Set(keys)].sort();
}

/** Express path syntax → OpenAPI's: `/a/:id` → `/a/{id}`, `/f/*path` and `/f/{*path}` → `/f/{path}`. */
export function templatePath(path: string): string {
  return path
    .replace(/\{\*(\w+)\}/g, '{$1}')
    .replace(/\*(\w+)/g, '{$1}')
    .replace(/:(\w+)/g, '{$1}');
}

/** Every operation of an OpenAPI document as `METHOD /path`. */
export function documentedRoutes(document: { paths: Record<string, object> }): RouteKey[] {
  const verbs = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
  const routes: RouteKey[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of Object.keys(item)) {
      if (verbs.has(method)) routes.push(`${method.toUpperCase()} ${path}` as RouteKey);
    }
  }
  return routes.sort();
}
