import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { badRequest } from '../../common/http/api-error';
import { JsonBody } from '../../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import {
  BootstrapFailure,
  RestartBody,
  WorkspaceLifecycleService,
} from './workspace-lifecycle.service';
import { ApiTag } from '../../common/openapi/tags';
import { LifecycleApi } from './lifecycle.api';

/** Restart, pause, resume, hibernate, console, bootstrap-failed (spec 01 §3.7–§3.13). */
@ApiTag('lifecycle')
@Controller()
export class LifecycleController {
  constructor(private readonly lifecycle: WorkspaceLifecycleService) {}

  @LifecycleApi.restart
  @Post('workspaces/:id/restart')
  @HttpCode(200)
  @UseGuards(WorkspaceAuthGuard)
  restart(
    @Param('id', WorkspaceIdPipe) id: string,
    @JsonBody(undefined, 'invalid request body', { optional: true })
    body: Record<string, unknown> | undefined,
    @Query('reset') reset?: string,
  ): Promise<Record<string, unknown>> {
    return this.lifecycle.restart(id, restartBody(body), reset === 'true');
  }

  @LifecycleApi.pause
  @Post('workspaces/:id/pause')
  @HttpCode(200)
  @UseGuards(WorkspaceAuthGuard)
  pause(@Param('id', WorkspaceIdPipe) id: string): Promise<Record<string, unknown>> {
    return this.lifecycle.pause(id);
  }

  @LifecycleApi.resume
  @Post('workspaces/:id/resume')
  @HttpCode(200)
  @UseGuards(WorkspaceAuthGuard)
  resume(@Param('id', WorkspaceIdPipe) id: string): Promise<Record<string, unknown>> {
    return this.lifecycle.resume(id);
  }

  @LifecycleApi.hibernate
  @Post('workspaces/:id/hibernate')
  @HttpCode(200)
  @UseGuards(WorkspaceAuthGuard)
  hibernate(
    @Param('id', WorkspaceIdPipe) id: string,
    @Query('force') force?: string,
  ): Promise<Record<string, unknown>> {
    return this.lifecycle.hibernateOnRequest(id, force === 'true');
  }

  @LifecycleApi.console
  @Get('workspaces/:id/console')
  @UseGuards(AdminAuthGuard)
  console(@Param('id', WorkspaceIdPipe) id: string): Promise<Record<string, unknown>> {
    return this.lifecycle.consoleOutput(id);
  }

  @LifecycleApi.bootstrapFailed
  @Post('admin/workspaces/:id/bootstrap-failed')
  @HttpCode(200)
  @UseGuards(AdminAuthGuard)
  bootstrapFailed(
    @Param('id', WorkspaceIdPipe) id: string,
    @JsonBody(undefined, 'invalid request body') body: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    return this.lifecycle.bootstrapFailed(id, bootstrapFailure(body));
  }
}

/**
 * Like the reference's binding: a field of the wrong type voids the whole body (its binding
 * error was ignored and the zero value used), so the restart goes on with defaults.
 */
function restartBody(body: Record<string, unknown> | undefined): RestartBody {
  if (!body) return {};
  const { template, apply_template, reset, rebuild_config } = body;
  const ok =
    optional(template, 'string') &&
    optional(apply_template, 'boolean') &&
    optional(reset, 'boolean') &&
    optional(rebuild_config, 'boolean');
  return ok ? (body as RestartBody) : {};
}

function bootstrapFailure(body: Record<string, unknown>): BootstrapFailure {
  if (!optional(body.error, 'string') || !optional(body.log_tail, 'string')) {
    throw badRequest('invalid request body');
  }
  return {
    error: (body.error as string | null) ?? undefined,
    log_tail: (body.log_tail as string | null) ?? undefined,
  };
}

function optional(value: unknown, type: 'string' | 'boolean'): boolean {
  return value === undefined || value === null || typeof value === type;
}
