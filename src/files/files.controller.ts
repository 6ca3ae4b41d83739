import { Controller, Delete, Get, Param, Put, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { WorkspaceAuthGuard } from '../common/auth/workspace-auth.guard';
import { badRequest, notFound } from '../common/http/api-error';
import { JsonBody } from '../common/http/json-body.decorator';
import { atoi, firstValue } from '../common/http/query-params';
import { WorkspaceIdPipe } from '../common/http/uuid';
import { FileEntry } from '../provisioner/workspace-file-store';
import { folderFiles, FOLDER_BODY_LIMIT } from './folder-body';
import { cleanRelativePath, FileRoot, isCredentialFile, parseRoot, ROOT_ERROR } from './file-paths';
import { FileContent, WorkspaceFilesService } from './workspace-files.service';
import { ApiTag } from '../common/openapi/tags';
import { FilesApi } from './files.api';

/** One file as the editor saves it: anything readable (≤ 5 MiB) fits, JSON-escaped. */
export const FILE_WRITE_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * The Files and Config tabs (spec 07 §1–§6). The `*path` catch-all arrives percent-decoded,
 * one segment per element, with dot segments untouched: every traversal form reaches the path
 * rule and is answered 400.
 */
@ApiTag('files')
@Controller('workspaces/:id/files')
@UseGuards(WorkspaceAuthGuard)
export class FilesController {
  constructor(private readonly files: WorkspaceFilesService) {}

  @FilesApi.list
  @Get()
  list(
    @Param('id', WorkspaceIdPipe) id: string,
    @Query('root') rawRoot: unknown,
    @Query('path') rawSub: unknown,
    @Query('depth') rawDepth: unknown,
    @Req() req: Request,
  ): Promise<FileEntry[]> {
    refuseEmptyCatchAll(req);
    const root = requireRoot(rawRoot);
    const subText = firstValue(rawSub) ?? '';
    const sub = subText === '' ? '' : cleanRelativePath(subText);
    if (sub === null) throw badRequest('invalid path');
    const depthText = firstValue(rawDepth) ?? '';
    const depth = depthText === '' ? 1 : atoi(depthText);
    if (depth === undefined || depth < 1 || depth > 5) throw badRequest('depth must be 1-5');
    return this.files.list(id, root, sub, depth);
  }

  @FilesApi.writeMany
  @Put()
  async writeMany(
    @Param('id', WorkspaceIdPipe) id: string,
    @Req() req: Request,
    @JsonBody(undefined, 'invalid request body', { limit: FOLDER_BODY_LIMIT })
    body: Record<string, unknown>,
  ) {
    refuseEmptyCatchAll(req);
    const result = await this.files.writeMany(id, folderFiles(body.files));
    return { status: 'replaced', workspace: id, files: result.count, source: result.source };
  }

  @FilesApi.read
  @Get('*path')
  read(
    @Param('id', WorkspaceIdPipe) id: string,
    @Param('path') segments: string[],
    @Query('root') rawRoot: unknown,
  ): Promise<FileContent> {
    const shown = segments.join('/');
    const rel = cleanRelativePath(shown);
    if (rel === null) throw badRequest('invalid path');
    return this.files.read(id, requireRoot(rawRoot), rel, shown);
  }

  @FilesApi.write
  @Put('*path')
  async write(
    @Param('id', WorkspaceIdPipe) id: string,
    @Param('path') segments: string[],
    @JsonBody(undefined, 'invalid request body', { limit: FILE_WRITE_BODY_LIMIT })
    body: Record<string, unknown>,
  ) {
    const shown = segments.join('/');
    const rel = editablePath(shown);
    const content = body.content ?? '';
    if (typeof content !== 'string') throw badRequest('invalid request body');
    await this.files.write(id, rel, content);
    return { status: 'saved', path: shown };
  }

  @FilesApi.remove
  @Delete('*path')
  async remove(@Param('id', WorkspaceIdPipe) id: string, @Param('path') segments: string[]) {
    const shown = segments.join('/');
    if (shown.startsWith('/')) throw badRequest('absolute paths not permitted');
    await this.files.remove(id, editablePath(shown));
    return { status: 'deleted', path: shown };
  }

  /** `DELETE …/files/` names the empty path; `…/files` alone is no route. */
  @FilesApi.removeNothing
  @Delete()
  removeNothing(@Req() req: Request): never {
    refuseEmptyCatchAll(req);
    throw notFound('not found');
  }
}

function requireRoot(raw: unknown): FileRoot {
  const root = parseRoot(raw === undefined ? undefined : (firstValue(raw) ?? ''));
  if (root === null) throw badRequest(ROOT_ERROR);
  return root;
}

/** A path under `/configs` that may be written or deleted: not a credential file. */
function editablePath(raw: string): string {
  const rel = cleanRelativePath(raw);
  if (rel === null || isCredentialFile('/configs', rel)) throw badRequest('invalid path');
  return rel;
}

/**
 * Express also routes `…/files/` (an empty catch-all value) to the bare `…/files` handlers;
 * the reference answered it as the one-file route with an empty path.
 */
function refuseEmptyCatchAll(req: Request): void {
  if (req.path.endsWith('/')) throw badRequest('invalid path');
}
