import { INestApplicationContext, Type } from '@nestjs/common';
import { GUARDS_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';

/** What the framework knows about one handler that the document derives facts from. */
export interface HandlerFacts {
  readonly controller: Type<unknown>;
  readonly method: string;
  /** Controller-level guards first, then the handler's own, as Nest runs them. */
  readonly guards: readonly unknown[];
  /** Pipes per named path parameter. */
  readonly pathPipes: ReadonlyMap<string, readonly unknown[]>;
}

/** The key the document's operation ids are built from: `<ControllerClass>_<method>`. */
export const handlerKey = (controller: string, method: string) => `${controller}_${method}`;

/** Every route handler of the application, by `handlerKey`. */
export function indexHandlers(app: INestApplicationContext): Map<string, HandlerFacts> {
  const index = new Map<string, HandlerFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(proto)) {
        const handler = proto[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        index.set(handlerKey(controller.name, method), {
          controller,
          method,
          guards: [
            ...((Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[]) ?? []),
            ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? []),
          ],
          pathPipes: pathPipes(controller, method),
        });
      }
    }
  }
  return index;
}

interface RouteArg {
  readonly index: number;
  readonly data?: unknown;
  readonly pipes?: unknown[];
}

function pathPipes(controller: Type<unknown>, method: string): Map<string, unknown[]> {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
    string,
    RouteArg
  >;
  const pipes = new Map<string, unknown[]>();
  for (const [key, arg] of Object.entries(args)) {
    const [type] = key.split(':');
    if (Number(type) !== RouteParamtypes.PARAM || typeof arg.data !== 'string') continue;
    pipes.set(arg.data, arg.pipes ?? []);
  }
  return pipes;
}
