import { Injectable } from '@nestjs/common';
import { SourceResolver } from './plugin-source';

/** No resolver is registered for a source's scheme. */
export class UnknownSchemeError extends Error {
  constructor(scheme: string) {
    super(`no resolver registered for scheme "${scheme}"`);
    this.name = 'UnknownSchemeError';
  }
}

/**
 * The resolvers by scheme (spec 05 §7.1): a later registration of a scheme replaces the
 * earlier one. Production registers `local` and `github`; tests and wiring may add more.
 */
export abstract class PluginSources {
  abstract register(resolver: SourceResolver): void;
  /** Throws `UnknownSchemeError` when nothing handles `scheme`. */
  abstract resolve(scheme: string): SourceResolver;
  /** The registered schemes, sorted. */
  abstract schemes(): string[];
}

@Injectable()
export class PluginSourceRegistry extends PluginSources {
  private readonly resolvers = new Map<string, SourceResolver>();

  register(resolver: SourceResolver): void {
    this.resolvers.set(resolver.scheme, resolver);
  }

  resolve(scheme: string): SourceResolver {
    const resolver = this.resolvers.get(scheme);
    if (!resolver) throw new UnknownSchemeError(scheme);
    return resolver;
  }

  schemes(): string[] {
    return [...this.resolvers.keys()].sort();
  }
}
