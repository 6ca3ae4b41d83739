import { INestApplication } from '@nestjs/common';
import type { Express } from 'express';

/** One route the HTTP server answers: `GET /workspaces/{id}` (OpenAPI's path template style). */
export type RouteKey = `${string} /${string}`;

interface Layer {
  readonly route?: { readonly path: string | string[]; readonly methods: Record<string, boolean> };
}

/** A root wildcard (`*`, `/{*path}`): how Nest mounts app-wide module middleware, not a route. */
const ROOT_WILDCARD = /^\/?\{?\*\w*\}?$/;

/**
 * Every route registered on the application's Express instance — Nest's controllers and
 * anything mounted on Express directly — as `METHOD /path`, path parameters as `{name}` and
 * Express 5 wildcards (`*name`) as `{name}`.
 */
export function registeredRoutes(app: INestApplication): RouteKey[] {
  const express = app.getHttpAdapter().getInstance() as Express;
  const stack = (express.router as unknown as { stack: Layer[] }).stack;
  const routes = new Set<RouteKey>();
  for (const layer of stack) {
    if (!layer.route) continue;
    const paths = (Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]).filter(
      (p) => !ROOT_WILDCARD.test(p),
    );
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (!on) continue;
      for (const path of paths)
        routes.add(`${method.toUpperCase()} ${templatePath(path)}` as RouteKey);
    }
  }
  return [...routes].sort();
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
