import { Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ContainedReadError,
  readTextInsideRoot,
  resolveInsideRoot,
  resolveRealInsideRoot,
} from '../../common/fs/contained-path';
import { listTreeFiles } from '../../common/fs/file-tree';
import {
  defaultModelFor,
  generateDefaultConfig,
  sanitizeRuntime,
} from '../../workspaces/templates/default-config';
import { MemorySeed, memorySeeds } from '../../workspaces/initial-memories';
import { isValidWorkspaceDir, workspaceFieldError } from '../../workspaces/workspace-fields';
import { expandVars, parseDotEnv } from '../templates/dotenv';
import {
  appendYamlBlock,
  mergeCategoryRouting,
  mergePlugins,
  renderCategoryRouting,
  renderTextField,
} from '../templates/org-config-files';
import { childSlots } from '../templates/org-layout';
import { OrgNode, OrgTemplate, PromptFields } from '../templates/org-template';
import { PromptRefError, resolvePromptRef } from '../templates/prompt-refs';
import { computeNextRun } from '../../common/cron/next-run';

/** One workspace of the tree, everything decided before a row is written. */
export interface PlannedWorkspace {
  readonly id: string;
  readonly name: string;
  readonly role: string | null;
  readonly tier: number;
  readonly runtime: string;
  readonly model: string;
  readonly parentId: string | null;
  readonly external: boolean;
  readonly url: string;
  readonly workspaceDir: string | null;
  readonly workspaceAccess: string;
  readonly maxConcurrentTasks: number;
  /** Absolute canvas position (stored) and the one relative to the parent (broadcast). */
  readonly position: { readonly x: number; readonly y: number };
  readonly relativePosition: { readonly x: number; readonly y: number };
  /** `.env` values of the org root and the node's `files_dir` (node wins). */
  readonly secrets: Readonly<Record<string, string>>;
  readonly schedules: readonly PlannedSchedule[];
  /** Seeded under `workspace:<id>`: the node's own, the first root's then the template's GLOBAL ones. */
  readonly memories: readonly MemorySeed[];
  /**
   * What the container's `/configs` is built from (non-external nodes only): a template
   * directory named relative to `CONFIGS_DIR` (`''` for none), then these files over it.
   */
  readonly template: string;
  readonly configFiles: Readonly<Record<string, string>>;
}

export interface PlannedSchedule {
  readonly name: string;
  readonly cronExpr: string;
  readonly timezone: string;
  readonly prompt: string;
  readonly enabled: boolean;
  readonly nextRunAt: Date;
}

export interface PlanContext {
  /** The template directory; `null` for an inline template (no files can be referenced). */
  readonly orgBaseDir: string | null;
  readonly configsDir: string;
  readonly pluginsDir: string;
  /** Largest plugin, and largest `files_dir`, copied into a workspace's config files. */
  readonly maxTreeBytes: number;
  /** The process environment, the last source of `${VAR}` in `workspace_dir`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: Date;
  readonly newId: () => string;
}

/** A node the template describes cannot be created; the message names it, never a host path. */
export class OrgPlanError extends Error {}

const DEFAULT_RUNTIME = 'langgraph';
const DEFAULT_TIER = 2;
const DEFAULT_IDLE_INTERVAL_SECONDS = 600;
const DOTENV_MAX_BYTES = 64 * 1024;
const PLUGIN_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

const logger = new Logger('OrgImport');

/**
 * Plans the whole tree (spec 05 §6.8) — ids, parents, layout, prompts, secrets, schedules,
 * memories, config files — reading every referenced file up front, so that a bad node fails
 * the import before anything is written. Parents come before their children.
 */
export async function planOrgImport(
  template: OrgTemplate,
  ctx: PlanContext,
): Promise<PlannedWorkspace[]> {
  const planner = new Planner(template, ctx);
  const planned: PlannedWorkspace[] = [];
  for (const root of template.workspaces) {
    const position = { x: root.canvas?.x ?? 0, y: root.canvas?.y ?? 0 };
    await planner.plan(root, null, position, position, planned);
  }
  const [first, ...rest] = planned;
  if (!first) return planned;
  // §6.7 step 5: the template's memories are the first root's, GLOBAL whatever they say.
  const global = memorySeeds(template.globalMemories.map((m) => ({ ...m, scope: 'GLOBAL' })));
  return [{ ...first, memories: [...first.memories, ...global] }, ...rest];
}

class Planner {
  private readonly rootEnv: Record<string, string>;

  constructor(
    private readonly template: OrgTemplate,
    private readonly ctx: PlanContext,
  ) {
    this.rootEnv = ctx.orgBaseDir === null ? {} : readDotEnv(ctx.orgBaseDir, '.env', '(org)');
  }

  async plan(
    node: OrgNode,
    parentId: string | null,
    position: { x: number; y: number },
    relativePosition: { x: number; y: number },
    out: PlannedWorkspace[],
  ): Promise<void> {
    const fail = (reason: string): never => {
      throw new OrgPlanError(`workspace ${node.name}: ${reason}`);
    };
    if (node.name.trim() === '') {
      throw new OrgPlanError(`workspace #${out.length + 1}: name is required`);
    }
    const defaults = this.template.defaults;
    const runtime = node.runtime || defaults.runtime || DEFAULT_RUNTIME;
    const model = node.model || defaults.model || defaultModelFor(runtime);
    const tier = node.tier || defaults.tier || DEFAULT_TIER;
    const fieldProblem = workspaceFieldError({ name: node.name, role: node.role, model, runtime });
    if (fieldProblem) fail(fieldProblem);

    const filesDir = this.filesDir(node, fail);
    const env = { ...this.rootEnv, ...(filesDir ? readDotEnv(filesDir, '.env', node.name) : {}) };
    const workspaceDir = this.workspaceDir(node, env, fail);
    const access = node.workspaceAccess || 'none';
    if (!['none', 'read_only', 'read_write'].includes(access)) {
      fail('workspace_access must be none, read_only or read_write');
    }
    if (access !== 'none' && workspaceDir === null)
      fail(`workspace_access ${access} needs a workspace_dir`);

    const id = this.ctx.newId();
    const configSource = node.external
      ? { template: '', configFiles: {} }
      : await this.configSource(node, { runtime, model, tier }, filesDir, fail);
    out.push({
      id,
      name: node.name,
      role: node.role || null,
      tier,
      runtime,
      model,
      parentId,
      external: node.external,
      url: node.url,
      workspaceDir,
      workspaceAccess: access,
      maxConcurrentTasks: node.maxConcurrentTasks > 0 ? node.maxConcurrentTasks : 1,
      position,
      relativePosition,
      secrets: node.external ? {} : env,
      schedules: this.schedules(node, fail),
      memories: memorySeeds(
        node.initialMemories.length > 0 ? node.initialMemories : defaults.initialMemories,
      ),
      ...configSource,
    });

    const slots = childSlots(node);
    for (const [i, child] of node.children.entries()) {
      const slot = slots[i];
      await this.plan(child, id, { x: position.x + slot.x, y: position.y + slot.y }, slot, out);
    }
  }

  /** `files_dir`, contained in the template directory (links resolved); `null` when unset. */
  private filesDir(node: OrgNode, fail: (reason: string) => never): string | null {
    if (node.filesDir === '') return null;
    if (this.ctx.orgBaseDir === null)
      return fail('files_dir needs a template directory (inline-template mode)');
    const dir = resolveRealInsideRoot(this.ctx.orgBaseDir, node.filesDir);
    return dir ?? fail('files_dir escapes the template directory');
  }

  private workspaceDir(
    node: OrgNode,
    env: Readonly<Record<string, string>>,
    fail: (reason: string) => never,
  ): string | null {
    if (node.workspaceDir === '') return null;
    const dir = expandVars(node.workspaceDir, env, this.ctx.env);
    if (!path.posix.isAbsolute(dir)) fail('workspace_dir must be an absolute path');
    if (dir.includes('..')) fail("workspace_dir must not contain '..'");
    if (!isValidWorkspaceDir(dir)) fail('workspace_dir must not be a system directory');
    return dir;
  }

  private prompt(inline: string, file: string, filesDir: string, fail: (reason: string) => never) {
    try {
      return resolvePromptRef(inline, file, this.ctx.orgBaseDir, filesDir);
    } catch (err) {
      if (err instanceof PromptRefError) return fail(err.message);
      throw err;
    }
  }

  /** Node inline → node file → defaults inline → defaults file. */
  private layeredPrompt(
    node: OrgNode,
    inline: (fields: PromptFields) => string,
    file: (fields: PromptFields) => string,
    fail: (reason: string) => never,
  ): string {
    const own = this.prompt(inline(node), file(node), node.filesDir, fail);
    if (own !== '') return own;
    const defaults = this.template.defaults;
    return this.prompt(inline(defaults), file(defaults), '', fail);
  }

  /**
   * The node's schedules (spec 05 §6.9): a hostile prompt file fails the import; a missing
   * or empty prompt, a bad cron expression or timezone skips the schedule (logged).
   */
  private schedules(node: OrgNode, fail: (reason: string) => never): PlannedSchedule[] {
    return node.schedules.flatMap((schedule) => {
      let prompt: string;
      try {
        prompt = resolvePromptRef(
          schedule.prompt,
          schedule.promptFile,
          this.ctx.orgBaseDir,
          node.filesDir,
        );
      } catch (err) {
        if (!(err instanceof PromptRefError)) throw err;
        if (err.kind === 'refused') return fail(`schedule ${schedule.name}: ${err.message}`);
        logger.warn(`workspace ${node.name}: skipping schedule ${schedule.name}: ${err.message}`);
        return [];
      }
      if (prompt === '') {
        logger.warn(`workspace ${node.name}: skipping schedule ${schedule.name}: empty prompt`);
        return [];
      }
      const timezone = schedule.timezone || 'UTC';
      try {
        const next = computeNextRun(schedule.cronExpr, timezone, this.ctx.now);
        return [
          {
            name: schedule.name,
            cronExpr: schedule.cronExpr,
            timezone,
            prompt,
            enabled: schedule.enabled ?? true,
            nextRunAt: next,
          },
        ];
      } catch (err) {
        logger.warn(
          `workspace ${node.name}: skipping schedule ${schedule.name}: ${(err as Error).message}`,
        );
        return [];
      }
    });
  }

  /**
   * The template and files a container's `/configs` is built from (spec 05 §6.8): the node's
   * `files_dir` when it is a directory (its files, `.env` aside — those values are stored as
   * encrypted secrets), else the node's `template`, else `<runtime>-default`; then the
   * generated `config.yaml`, `system-prompt.md` and the pre-installed plugins over it.
   */
  private async configSource(
    node: OrgNode,
    fields: { runtime: string; model: string; tier: number },
    filesDir: string | null,
    fail: (reason: string) => never,
  ): Promise<{ template: string; configFiles: Record<string, string> }> {
    const defaults = this.template.defaults;
    let config = generateDefaultConfig({ name: node.name, role: node.role, ...fields });
    config = appendYamlBlock(
      config,
      renderCategoryRouting(mergeCategoryRouting(defaults.categoryRouting, node.categoryRouting)),
    );
    const initialPrompt = this.layeredPrompt(
      node,
      (f) => f.initialPrompt,
      (f) => f.initialPromptFile,
      fail,
    );
    config = appendYamlBlock(config, renderTextField('initial_prompt', initialPrompt));
    const idlePrompt = this.layeredPrompt(
      node,
      (f) => f.idlePrompt,
      (f) => f.idlePromptFile,
      fail,
    );
    if (idlePrompt !== '') {
      const interval =
        node.idleIntervalSeconds || defaults.idleIntervalSeconds || DEFAULT_IDLE_INTERVAL_SECONDS;
      config = appendYamlBlock(config, `idle_interval_seconds: ${interval}\n`);
      config = appendYamlBlock(config, renderTextField('idle_prompt', idlePrompt));
    }
    const useFilesDir = filesDir !== null && isDirectory(filesDir);
    const configFiles: Record<string, string> = useFilesDir
      ? await this.treeFiles(filesDir, '', fail)
      : {};
    configFiles['config.yaml'] = config;
    if (node.systemPrompt !== '') configFiles['system-prompt.md'] = node.systemPrompt;
    for (const plugin of mergePlugins(defaults.plugins, node.plugins)) {
      Object.assign(configFiles, await this.pluginFiles(node.name, plugin));
    }
    const template = useFilesDir ? '' : this.templateName(node, fields.runtime, fail);
    return { template, configFiles };
  }

  /** The node's `template` if it exists, else `<runtime>-default` if it exists, else `''`. */
  private templateName(node: OrgNode, runtime: string, fail: (reason: string) => never): string {
    if (node.template !== '') {
      const dir = resolveRealInsideRoot(this.ctx.configsDir, node.template);
      if (dir === null) fail('template escapes the templates directory');
      if (isDirectory(dir!)) return path.relative(path.resolve(this.ctx.configsDir), dir!);
    }
    const runtimeDefault = `${sanitizeRuntime(runtime)}-default`;
    const dir = resolveInsideRoot(this.ctx.configsDir, runtimeDefault);
    return dir && isDirectory(dir) ? runtimeDefault : '';
  }

  /** Every regular file under `dir` as `<prefix><path>`, bounded in size. */
  private async treeFiles(
    dir: string,
    prefix: string,
    fail: (reason: string) => never,
  ): Promise<Record<string, string>> {
    const files = (await listTreeFiles(dir)).filter((f) => prefix !== '' || f.relPath !== '.env');
    if (files.reduce((sum, f) => sum + f.size, 0) > this.ctx.maxTreeBytes)
      fail('files_dir is too large');
    const entries = await Promise.all(
      files.map(async (f) => [
        `${prefix}${f.relPath}`,
        await fs.promises.readFile(f.absPath, 'utf8'),
      ]),
    );
    return Object.fromEntries(entries);
  }

  /** A pre-installed plugin of the registry as `plugins/<name>/<file>`; unusable ones are skipped. */
  private async pluginFiles(workspace: string, name: string): Promise<Record<string, string>> {
    const dir = PLUGIN_NAME.test(name) ? resolveRealInsideRoot(this.ctx.pluginsDir, name) : null;
    if (dir === null || !isDirectory(dir)) {
      logger.warn(
        `workspace ${workspace}: plugin ${JSON.stringify(name)} is not in the registry; skipped`,
      );
      return {};
    }
    const files = await listTreeFiles(dir);
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (total > this.ctx.maxTreeBytes) {
      logger.warn(`workspace ${workspace}: plugin ${name} exceeds the size limit; skipped`);
      return {};
    }
    const entries = await Promise.all(
      files.map(async (f) => [
        `plugins/${name}/${f.relPath}`,
        await fs.promises.readFile(f.absPath, 'utf8'),
      ]),
    );
    return Object.fromEntries(entries);
  }
}

function readDotEnv(dir: string, file: string, owner: string): Record<string, string> {
  try {
    return parseDotEnv(readTextInsideRoot(dir, file, DOTENV_MAX_BYTES));
  } catch (err) {
    if (err instanceof ContainedReadError && err.reason === 'not found') return {};
    if (err instanceof ContainedReadError) {
      throw new OrgPlanError(
        `workspace ${owner}: .env ${err.reason === 'escapes root' ? 'escapes the template' : `is ${err.reason}`}`,
      );
    }
    throw err;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
