import { Injectable, Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listSubdirectories } from '../../common/fs/file-tree';
import { collectOrgEnv, EnvRequirementJson, toEnvJson } from './env-requirements';
import { decodeOrgTemplate, OrgTemplate, walkNodes } from './org-template';
import { OrgTemplateLocation } from './org-template-location';
import { loadOrgYaml, OrgYamlMissingError } from './org-yaml';

export interface OrgTemplateSummary {
  dir: string;
  name: string;
  description: string;
  workspaces: number;
  required_env: EnvRequirementJson[];
  recommended_env: EnvRequirementJson[];
}

/** `GET /org/templates` (spec 05 §6.10): every readable template under the org directory. */
@Injectable()
export class OrgTemplateCatalog {
  private readonly logger = new Logger(OrgTemplateCatalog.name);

  constructor(private readonly location: OrgTemplateLocation) {}

  list(): OrgTemplateSummary[] {
    return listSubdirectories(this.location.dir).flatMap((dir) => {
      const template = this.read(dir);
      return template ? [summarise(dir, template)] : [];
    });
  }

  private read(dir: string): OrgTemplate | undefined {
    const templateDir = path.join(this.location.dir, dir);
    for (const file of ['org.yaml', 'org.yml']) {
      try {
        return decodeOrgTemplate(loadOrgYaml(templateDir, file));
      } catch (err) {
        if (err instanceof OrgYamlMissingError) continue;
        this.logger.warn(`skipping org template "${dir}": ${(err as Error).message}`);
        return undefined;
      }
    }
    if (fs.existsSync(path.join(templateDir, '.git'))) {
      this.logger.warn(`org template "${dir}" has .git but no org.yaml: a half-finished checkout?`);
    }
    return undefined;
  }
}

function summarise(dir: string, template: OrgTemplate): OrgTemplateSummary {
  const { required, recommended } = collectOrgEnv(template);
  return {
    dir,
    name: template.name,
    description: template.description,
    workspaces: [...walkNodes(template.workspaces)].length,
    required_env: required.map(toEnvJson),
    recommended_env: recommended.map(toEnvJson),
  };
}
