import type { INestApplication, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { JSON_BODY_METADATA, JsonBodyRule } from '../../src/common/http/json-body.decorator';
import { isApiDocsPath } from '../../src/common/openapi/docs-paths';
import { AppRoute, appRoutes, routeKey } from './app-routes';

/** A served route with the controller method behind it and how it reads a JSON body, if it does. */
export interface RouteHandler extends AppRoute {
  /** Unset for the API docs, which swagger mounts on Express itself. */
  readonly controller?: Type<unknown>;
  readonly handler?: string;
  /** Set when the route reads its body through `JsonBody`. */
  readonly jsonBody?: JsonBodyRule;
}

/**
 * Every route the app serves (its Express router), each joined to its Nest handler. Throws
 * when a served route has no handler or two (the API docs aside, which have none): the join
 * must be exact for tests built on it.
 */
export function routeHandlers(app: INestApplication): RouteHandler[] {
  const handlers = new Map<string, Omit<RouteHandler, keyof AppRoute>[]>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, controller) as string | string[]);
      const proto = controller.prototype as Record<string, unknown>;
      for (const handler of Object.getOwnPropertyNames(proto)) {
        const fn = proto[handler];
        if (handler === 'constructor' || typeof fn !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
        if (method === undefined) continue;
        const jsonBody = Reflect.getMetadata(JSON_BODY_METADATA, proto, handler) as
          JsonBodyRule | undefined;
        const paths = asArray(Reflect.getMetadata(PATH_METADATA, fn) as string | string[]);
        for (const prefix of prefixes)
          for (const path of paths) {
            const key = `${RequestMethod[method]} ${joinPath(prefix, path)}`;
            handlers.set(key, [...(handlers.get(key) ?? []), { controller, handler, jsonBody }]);
          }
      }
    }
  }
  return appRoutes(app).map((route) => {
    const found = handlers.get(routeKey(route)) ?? [];
    if (found.length === 0 && isApiDocsPath(route.path)) return route;
    if (found.length !== 1)
      throw new Error(`${routeKey(route)}: ${found.length} handlers (expected exactly one)`);
    return { ...route, ...found[0] };
  });
}

function asArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? value : [value];
}

function joinPath(prefix: string, path: string): string {
  const parts = [prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '');
  return `/${parts.join('/')}`;
}
