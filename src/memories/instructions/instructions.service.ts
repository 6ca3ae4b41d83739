import { Injectable, Logger } from '@nestjs/common';
import { notFound } from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { parseUuid } from '../../common/http/uuid';
import { CreateInstructionDto, UpdateInstructionDto } from './dto/instruction.dto';
import { parseInstructionChanges, parseNewInstruction } from './instruction-input';
import {
  AppliedInstructionRow,
  InstructionRow,
  InstructionsRepository,
} from './instructions.repository';

const HEADERS = {
  global: '\n## Platform-Wide Rules\n\n',
  workspace: '\n## Role-Specific Rules\n\n',
} as const;

/**
 * Operator-defined platform instructions (spec 08 §5): global rules for every agent and
 * rules for one workspace, resolved into the text the runtime puts first in its system prompt.
 */
@Injectable()
export class InstructionsService {
  private readonly logger = new Logger(InstructionsService.name);

  constructor(private readonly instructions: InstructionsRepository) {}

  /** With `workspaceId` (which wins over `scope`): what applies to it; else every row. */
  list(query: { workspaceId?: string; scope?: string }): Promise<InstructionRow[]> {
    const { workspaceId, scope } = query;
    const rows =
      workspaceId !== undefined
        ? this.instructions.forWorkspace(parseUuid(workspaceId) ?? workspaceId)
        : this.instructions.list(scope);
    return orInternalError(rows, 'query failed', this.logger);
  }

  async create(body: CreateInstructionDto): Promise<{ id: string }> {
    const instruction = parseNewInstruction(body);
    const id = await orInternalError(
      this.instructions.insert(instruction),
      'insert failed',
      this.logger,
    );
    return { id };
  }

  async update(rawId: string, body: UpdateInstructionDto): Promise<{ status: 'updated' }> {
    const changes = parseInstructionChanges(body);
    const id = parseUuid(rawId);
    const updated =
      id !== null &&
      (await orInternalError(this.instructions.update(id, changes), 'update failed', this.logger));
    if (!updated) throw notFound('instruction not found');
    return { status: 'updated' };
  }

  async delete(rawId: string): Promise<{ status: 'deleted' }> {
    const id = parseUuid(rawId);
    const deleted =
      id !== null &&
      (await orInternalError(this.instructions.delete(id), 'delete failed', this.logger));
    if (!deleted) throw notFound('instruction not found');
    return { status: 'deleted' };
  }

  /** The text for one workspace's system prompt; `""` when nothing applies. */
  async resolve(workspaceId: string): Promise<{ workspace_id: string; instructions: string }> {
    const rows = await orInternalError(
      this.instructions.forWorkspace(workspaceId),
      'query failed',
      this.logger,
    );
    return { workspace_id: workspaceId, instructions: render(rows) };
  }
}

/** A section header whenever the scope changes, then `### title` and the content per row. */
export function render(
  rows: readonly Pick<AppliedInstructionRow, 'scope' | 'title' | 'content'>[],
) {
  let text = '';
  let scope: AppliedInstructionRow['scope'] | undefined;
  for (const row of rows) {
    if (row.scope !== scope) {
      scope = row.scope;
      text += HEADERS[scope];
    }
    text += `### ${row.title}\n${row.content}\n\n`;
  }
  return text;
}
