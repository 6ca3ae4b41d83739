import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Role, TaskState, type Message, type TaskStatus } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import type { SdkAgentOptions, StreamOptions, ToolTraceEntry } from './agent-options';
import { message, textOf, textPart } from './a2a-parts';
import type { Gate } from './gate';

const DEFAULT_GAP_MS = 5;

/** Publishes the events one SDK-mode option set asks for; `gate` and `closed` come from the agent. */
export class ScriptedExecutor implements AgentExecutor {
  constructor(
    private readonly options: SdkAgentOptions,
    private readonly gate: Gate,
    private readonly closed: AbortSignal,
  ) {}

  async execute(context: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const options = this.options;
    const userText = textOf(context.userMessage);
    switch (options.mode) {
      case undefined:
      case 'reply': {
        const { text = (said: string) => `echo: ${said}`, toolTrace, delayMs } = options;
        const reply = typeof text === 'function' ? text(userText) : text;
        if (delayMs)
          await delay(delayMs, undefined, { signal: this.closed }).catch(() => undefined);
        bus.publish(AgentEvent.message(this.agentMessage(context, reply, toolTrace)));
        break;
      }
      case 'stream':
        await this.stream(context, bus, options, options.chunks ?? ['echo', ': ', userText]);
        break;
      case 'dieMidStream':
        // The socket is cut by the SSE tap after the first events; stay silent until close().
        this.startTask(context, bus);
        bus.publish(this.statusUpdate(context, TaskState.TASK_STATE_WORKING));
        bus.publish(this.chunk(context, 'partial', 0, false));
        if (!this.closed.aborted) await once(this.closed, 'abort');
        return;
    }
    bus.finished();
  }

  async cancelTask(): Promise<void> {}

  private async stream(
    context: RequestContext,
    bus: ExecutionEventBus,
    options: StreamOptions,
    chunks: readonly string[],
  ): Promise<void> {
    const gapMs = options.gapMs ?? DEFAULT_GAP_MS;
    this.startTask(context, bus);
    await this.pause(gapMs);
    bus.publish(this.statusUpdate(context, TaskState.TASK_STATE_WORKING));
    for (const [index, text] of chunks.entries()) {
      await this.pause(gapMs);
      const last = index === chunks.length - 1;
      bus.publish(this.chunk(context, text, index, last));
      if (index === 0 && options.pauseAfterFirstChunk) await this.gate.wait();
      if (this.closed.aborted) return;
    }
    await this.pause(gapMs);
    const final = this.agentMessage(context, chunks.join(''), options.toolTrace);
    bus.publish(this.statusUpdate(context, TaskState.TASK_STATE_COMPLETED, final));
  }

  private startTask(context: RequestContext, bus: ExecutionEventBus): void {
    bus.publish(
      AgentEvent.task({
        id: context.taskId,
        contextId: context.contextId,
        status: taskStatus(TaskState.TASK_STATE_SUBMITTED),
        artifacts: [],
        history: [context.userMessage],
        metadata: undefined,
      }),
    );
  }

  private statusUpdate(context: RequestContext, state: TaskState, final?: Message) {
    return AgentEvent.statusUpdate({
      taskId: context.taskId,
      contextId: context.contextId,
      status: taskStatus(state, final),
      metadata: undefined,
    });
  }

  private chunk(context: RequestContext, text: string, index: number, lastChunk: boolean) {
    return AgentEvent.artifactUpdate({
      taskId: context.taskId,
      contextId: context.contextId,
      artifact: {
        artifactId: 'reply',
        name: 'reply',
        description: '',
        parts: [textPart(text)],
        metadata: undefined,
        extensions: [],
      },
      append: index > 0,
      lastChunk,
      metadata: undefined,
    });
  }

  private agentMessage(
    context: RequestContext,
    text: string,
    toolTrace: readonly ToolTraceEntry[] | undefined,
  ): Message {
    return message(Role.ROLE_AGENT, text, {
      contextId: context.contextId,
      taskId: context.taskId,
      metadata: toolTrace ? { tool_trace: toolTrace } : undefined,
    });
  }

  /** A small real-time gap between events; cut short by close(). */
  private async pause(ms: number): Promise<void> {
    if (ms <= 0 || this.closed.aborted) return;
    await delay(ms, undefined, { signal: this.closed }).catch(() => undefined);
  }
}

function taskStatus(state: TaskState, message?: Message): TaskStatus {
  return { state, message, timestamp: new Date().toISOString() };
}
