import { Transform, Type } from 'class-transformer';
import { IsArray, IsInt, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A file the agent attaches (an entry returned by `/chat/uploads`). */
export class NotifyAttachmentDto {
  /** Required non-empty: checked per element so the 400 can name the index. */
  @ApiProperty({ type: String, description: 'Required, non-empty: `workspace:<path>` or a URL.' })
  @IsOptional()
  @IsString()
  uri?: string | null;

  @ApiProperty({ type: String, description: 'Required, non-empty: the file name shown.' })
  @IsOptional()
  @IsString()
  name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  mimeType?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'Bytes.' })
  @IsOptional()
  @IsInt()
  size?: number | null;
}

/** `POST /workspaces/:id/notify` (spec 03 §5.5). Unknown keys are ignored. */
export class NotifyDto {
  @ApiProperty({ description: 'The text pushed to the canvas chat.' })
  @IsString()
  @IsNotEmpty()
  message!: string;

  @ApiPropertyOptional({ type: [NotifyAttachmentDto], nullable: true })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => NotifyAttachmentDto)
  // Go decodes a null element to an empty attachment, which then fails the uri/name check.
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((a) => a ?? new NotifyAttachmentDto()) : value,
  )
  attachments?: NotifyAttachmentDto[] | null;
}
