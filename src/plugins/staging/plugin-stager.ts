import { Injectable, Logger } from '@nestjs/common';
import {
  ApiError,
  badRequest,
  internalError,
  notFound,
  payloadTooLarge,
} from '../../common/http/api-error';
import { AppConfig } from '../../config/app-config';
import {
  parsePluginSource,
  PluginNotFoundError,
  PluginSpecError,
  PluginSource,
  PluginTooLargeError,
  UnsafePluginArchiveError,
} from '../sources/plugin-source';
import { PluginSources, UnknownSchemeError } from '../sources/plugin-sources';
import { pluginNameProblem } from './plugin-names';
import { treeExceeds } from '../../common/fs/file-tree';
import { manifestIntact, pluginYamlDigest } from './plugin-tree';
import { PluginStagingArea } from './staging-area';

export interface StageRequest {
  readonly source: string;
  /** Optional caller pin: hex SHA-256 of the staged `plugin.yaml`. */
  readonly sha256?: string;
  /** The fetch deadline (`PLUGIN_INSTALL_FETCH_TIMEOUT`): its expiry is a 504. */
  readonly deadline: AbortSignal;
  /** Any other reason to stop (the client went away): a 502. */
  readonly cancel?: AbortSignal;
}

/** A plugin fetched and checked in its own staging directory; the caller must `discard` it. */
export interface StagedPlugin {
  readonly name: string;
  readonly dir: string;
  readonly source: PluginSource;
  discard(): Promise<void>;
}

const SOURCE_REQUIRED =
  '\'source\' is required (e.g. "local://my-plugin" or "github://owner/repo")';
const UNPINNED =
  'unpinned github source: append a tag or commit SHA (e.g. "github://owner/repo#v1.2.0"). Set PLUGIN_ALLOW_UNPINNED=true to override';

const gatewayTimeout = (error: string, extra: Record<string, unknown>) =>
  new ApiError(504, { error, ...extra });
const unprocessable = (error: string, extra: Record<string, unknown>) =>
  new ApiError(422, { error, ...extra });

/**
 * `resolveAndStage` (spec 05 §7.5), shared by install and download: parse the source, pick
 * its resolver, fetch into a fresh staging directory under the deadline, then check the
 * name, size and supply-chain pins. Every failure is the table's status and canned body; a
 * resolver's own text (paths, upstream bodies, rate-limit notes, tokens) is only logged, and
 * the staging directory never outlives a failure.
 */
@Injectable()
export class PluginStager {
  private readonly logger = new Logger(PluginStager.name);

  constructor(
    private readonly config: AppConfig,
    private readonly sources: PluginSources,
    private readonly staging: PluginStagingArea,
  ) {}

  async stage(request: StageRequest): Promise<StagedPlugin> {
    if (request.source === '') throw badRequest(SOURCE_REQUIRED);
    let source: PluginSource;
    try {
      source = parsePluginSource(request.source);
    } catch (err) {
      this.logger.warn({ err }, 'unparseable plugin source');
      throw badRequest('invalid plugin source');
    }
    let resolver;
    try {
      resolver = this.sources.resolve(source.scheme);
    } catch (err) {
      if (!(err instanceof UnknownSchemeError)) throw err;
      throw badRequest('failed to resolve plugin source', {
        available_schemes: this.sources.schemes(),
      });
    }
    if (source.scheme === 'local' && pluginNameProblem(source.spec)) {
      throw badRequest('invalid plugin name');
    }
    if (
      source.scheme === 'github' &&
      !source.spec.includes('#') &&
      !this.config.pluginAllowUnpinned
    ) {
      throw unprocessable(UNPINNED, { source: source.raw });
    }

    let dir: string;
    try {
      dir = await this.staging.create();
    } catch (err) {
      this.logger.error({ err }, 'could not create a plugin staging directory');
      throw internalError('failed to create staging dir');
    }
    const discard = () =>
      this.staging.remove(dir).catch((err: unknown) => {
        this.logger.warn({ err, dir }, 'could not remove a plugin staging directory');
      });
    try {
      const name = await this.fetch(resolver, source, dir, request);
      await this.check(dir, name, source, request.sha256);
      return { name, dir, source, discard };
    } catch (err) {
      await discard();
      throw err;
    }
  }

  private async fetch(
    resolver: ReturnType<PluginSources['resolve']>,
    source: PluginSource,
    dir: string,
    request: StageRequest,
  ): Promise<string> {
    const signal = request.cancel
      ? AbortSignal.any([request.deadline, request.cancel])
      : request.deadline;
    let name: string;
    try {
      signal.throwIfAborted();
      name = await resolver.fetch(source.spec, dir, signal);
    } catch (err) {
      this.logger.warn({ err, source: source.raw }, 'plugin fetch failed');
      const body = { source: source.raw };
      if (err instanceof PluginSpecError) throw badRequest(err.wireMessage);
      if (err instanceof PluginTooLargeError)
        throw payloadTooLarge('staged plugin exceeds size limit', body);
      if (err instanceof UnsafePluginArchiveError) {
        throw unprocessable('plugin archive contains unsafe entries', body);
      }
      const failed = `failed to fetch plugin from ${source.scheme}`;
      if (err instanceof PluginNotFoundError) throw notFound(failed, body);
      if (request.deadline.aborted) throw gatewayTimeout(failed, body);
      throw new ApiError(502, { error: failed, ...body });
    }
    if (pluginNameProblem(name)) {
      this.logger.warn({ source: source.raw, name }, 'resolver returned an invalid plugin name');
      throw badRequest('resolver returned invalid plugin name', { source: source.raw });
    }
    return name;
  }

  private async check(
    dir: string,
    name: string,
    source: PluginSource,
    sha256: string | undefined,
  ): Promise<void> {
    const body = { source: source.raw };
    if (await treeExceeds(dir, this.config.pluginInstallMaxDirBytes)) {
      throw payloadTooLarge('staged plugin exceeds size limit', body);
    }
    if (!(await manifestIntact(dir))) {
      this.logger.warn({ source: source.raw, name }, 'plugin manifest digest mismatch');
      throw unprocessable('plugin manifest integrity check failed', body);
    }
    if (sha256 === undefined || sha256 === '') return;
    const digest = await pluginYamlDigest(dir);
    if (digest === undefined) {
      throw unprocessable('sha256 check failed: plugin.yaml not found in staged plugin', body);
    }
    if (digest !== sha256.toLowerCase()) {
      throw unprocessable(`sha256 mismatch: expected ${sha256}, got ${digest}`, body);
    }
  }
}
