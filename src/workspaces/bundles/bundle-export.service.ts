import { Injectable, Logger } from '@nestjs/common';
import { SecretCipher } from '../../common/crypto/secret-cipher';
import { notFound } from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { SecretsRepository } from '../secrets/secrets.repository';
import { TemplateCatalog } from '../templates/template-catalog';
import { scanTemplateDefaults } from '../templates/template-defaults';
import { Bundle, BUNDLE_LIMITS, BundleSkill } from './bundle';
import { ConfigSource, containerConfigs, NO_CONFIGS, templateConfigs } from './bundle-files';
import { BundleRepository, BundleWorkspaceRow } from './bundle.repository';

/** The model override lives in this workspace secret (spec 01 §8.4). */
export const MODEL_SECRET = 'MODEL_PROVIDER';

/**
 * `GET /bundles/export/:id` (spec 01 §4.1): the workspace and its live descendants as a
 * bundle. Files come from the workspace's `/configs` (container, else its volume), else from
 * the template named after it — never from an unrelated template, as the reference's
 * fallback did. The model is the workspace's override, else its `config.yaml` model.
 */
@Injectable()
export class BundleExportService {
  private readonly logger = new Logger(BundleExportService.name);

  constructor(
    private readonly bundles: BundleRepository,
    private readonly backends: ComputeBackends,
    private readonly templates: TemplateCatalog,
    private readonly secrets: SecretsRepository,
    private readonly cipher: SecretCipher,
  ) {}

  async export(id: string): Promise<Bundle> {
    const row = await orInternalError(
      this.bundles.exportRow(id),
      'failed to export bundle',
      this.logger,
    );
    if (!row) throw notFound('bundle not found');
    return this.node(row, new Set([id]), 1);
  }

  private async node(row: BundleWorkspaceRow, seen: Set<string>, depth: number): Promise<Bundle> {
    const files = await this.configSource(row);
    const configYaml = await files.read('config.yaml');
    const bundle: Bundle = {
      schema: '1.0',
      id: row.id,
      name: row.name,
      description: row.role ?? '',
      tier: row.tier ?? 0,
      model:
        (await this.modelOverride(row.id)) || scanTemplateDefaults(configYaml ?? '').model || '',
      runtime: row.runtime || 'langgraph',
      system_prompt: (await files.read('system-prompt.md')) ?? '',
      skills: await this.skills(files),
      tools: [],
      prompts: configYaml === undefined ? {} : { 'config.yaml': configYaml },
      sub_workspaces: [],
      agent_card: row.agent_card ?? null,
      author: '',
      version: '1.0.0',
    };
    if (depth >= BUNDLE_LIMITS.maxDepth) return bundle;
    for (const childId of await this.bundles.liveChildren(row.id)) {
      if (seen.has(childId)) continue; // a parent cycle must not loop forever
      seen.add(childId);
      try {
        const child = await this.bundles.exportRow(childId);
        if (child) bundle.sub_workspaces.push(await this.node(child, seen, depth + 1));
      } catch (err) {
        // As the reference: a child that cannot be exported is left out, the rest still goes.
        this.logger.warn({ err, workspaceId: childId }, 'bundle export: child skipped');
      }
    }
    return bundle;
  }

  private async configSource(row: BundleWorkspaceRow): Promise<ConfigSource> {
    const docker = this.backends.docker;
    if (docker) {
      try {
        const configs = containerConfigs(docker, row.id);
        if ((await configs.read('config.yaml')) !== undefined) return configs;
      } catch (err) {
        this.logger.warn({ err, workspaceId: row.id }, 'bundle export: /configs unreadable');
      }
    }
    const template = this.templates.findByWorkspaceName(row.name);
    return template ? templateConfigs(template) : NO_CONFIGS;
  }

  private async modelOverride(workspaceId: string): Promise<string> {
    try {
      const secret = await this.secrets.workspaceValue(workspaceId, MODEL_SECRET);
      if (!secret) return '';
      return this.cipher
        .decryptVersioned(secret.encrypted_value, secret.encryption_version)
        .toString('utf8');
    } catch (err) {
      this.logger.warn({ err, workspaceId }, 'bundle export: model override unreadable');
      return '';
    }
  }

  /** `skills/<id>/…`, each with the description its SKILL.md gives. */
  private async skills(files: ConfigSource): Promise<BundleSkill[]> {
    const bySkill = new Map<string, Record<string, string>>();
    for (const file of (await files.list('skills')).sort()) {
      const [, id, ...rest] = file.split('/');
      if (!id || rest.length === 0) continue;
      const content = await files.read(file);
      if (content === undefined) continue;
      const skill = bySkill.get(id) ?? {};
      skill[rest.join('/')] = content;
      bySkill.set(id, skill);
    }
    return [...bySkill].map(([id, skillFiles]) => ({
      id,
      name: id,
      description: skillDescription(skillFiles['SKILL.md'] ?? ''),
      files: skillFiles,
    }));
  }
}

/** The first non-empty, non-heading line after any `---` front matter. */
export function skillDescription(text: string): string {
  let lines = text.split(/\r?\n/);
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
    lines = end > 0 ? lines.slice(end + 1) : [];
  }
  return lines.map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? '';
}
