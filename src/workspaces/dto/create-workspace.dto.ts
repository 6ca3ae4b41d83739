import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';
import { IsInt32, IsSafeInt, IsStringRecord } from '../../common/http/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiNullableProperty } from '../../common/openapi/properties';

export class CanvasPositionDto {
  @ApiPropertyOptional() @IsOptional() @IsNumber() x?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() y?: number;
}

/** `POST /workspaces` (spec 01 §3.1). A type mismatch anywhere fails the whole payload. */
export class CreateWorkspaceDto {
  @ApiProperty({ description: 'At most 255 bytes; no newline, nor any of `{}[]|>*&!`.' })
  @IsString()
  @IsNotEmpty()
  name!: string;

  @ApiPropertyOptional({ description: 'At most 1000 bytes; no newline, nor any of `{}[]|>*&!`.' })
  @IsOptional()
  @IsString()
  role?: string;

  @ApiPropertyOptional({ description: 'A template directory under `CONFIGS_DIR`.' })
  @IsOptional()
  @IsString()
  template?: string;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', description: '0 or absent → 3.' })
  @IsOptional()
  @IsInt32()
  tier?: number;

  @ApiPropertyOptional({
    description: 'At most 100 bytes; feeds the generated config, not stored.',
  })
  @IsOptional()
  @IsString()
  model?: string;

  @ApiPropertyOptional({
    description: "At most 100 bytes; absent → the template's, else `langgraph`.",
  })
  @IsOptional()
  @IsString()
  runtime?: string;

  @ApiPropertyOptional({
    description: 'No container: the agent runs elsewhere (so does runtime `external`).',
  })
  @IsOptional()
  @IsBoolean()
  external?: boolean;

  @ApiPropertyOptional({ description: "An external workspace's A2A endpoint." })
  @IsOptional()
  @IsString()
  url?: string;

  @ApiPropertyOptional({ description: 'An absolute host directory outside the system folders.' })
  @IsOptional()
  @IsString()
  workspace_dir?: string;

  @ApiPropertyOptional({
    enum: ['none', 'read_only', 'read_write'],
    description: 'Default `none`; the others need `workspace_dir`.',
  })
  @IsOptional()
  @IsString()
  workspace_access?: string;

  @ApiNullableProperty(String, 'The parent workspace.')
  @IsOptional()
  @IsString()
  parent_id?: string | null;

  /** USD cents; JS numbers stay exact up to 2^53. */
  @ApiNullableProperty('integer', 'Monthly budget in US cents; `null` = unlimited.')
  @IsOptional()
  @IsSafeInt()
  budget_limit?: number | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Workspace secrets to store (encrypted) with the workspace.',
  })
  @IsOptional()
  @IsObject()
  @IsStringRecord()
  secrets?: Record<string, string>;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', description: '≤ 0 → 1.' })
  @IsOptional()
  @IsInt32()
  max_concurrent_tasks?: number;

  @ApiPropertyOptional({ type: CanvasPositionDto, description: 'Initial position on the canvas.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CanvasPositionDto)
  canvas?: CanvasPositionDto;

  /** `[{content, scope}]`, seeded into `agent_memories` (entries that cannot be stored are skipped). */
  @ApiPropertyOptional({
    type: 'array',
    items: {
      type: 'object',
      properties: {
        content: { type: 'string' },
        scope: { type: 'string', enum: ['LOCAL', 'TEAM', 'GLOBAL'] },
      },
    },
    description: 'Memories to seed; entries that cannot be stored are skipped.',
  })
  @IsOptional()
  @IsArray()
  initial_memories?: unknown[];
}
