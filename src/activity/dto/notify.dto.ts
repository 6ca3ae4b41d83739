import { Transform, Type } from 'class-transformer';
import { IsArray, IsInt, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';

/** A file the agent attaches (an entry returned by `/chat/uploads`). */
export class NotifyAttachmentDto {
  /** Required non-empty: checked per element so the 400 can name the index. */
  @IsOptional() @IsString() uri?: string | null;
  @IsOptional() @IsString() name?: string | null;
  @IsOptional() @IsString() mimeType?: string | null;
  @IsOptional() @IsInt() size?: number | null;
}

/** `POST /workspaces/:id/notify` (spec 03 §5.5). Unknown keys are ignored. */
export class NotifyDto {
  @IsString() @IsNotEmpty() message!: string;

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
