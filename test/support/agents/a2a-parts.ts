import { randomUUID } from 'node:crypto';
import { Role, type Message, type Part, type StreamResponse, type Task } from '@a2a-js/sdk';

// The SDK speaks A2A 1.0 types internally (oneof parts, enum roles); its compat layer renders them
// as v0.3 JSON (`kind: "text"`, `role: "agent"`) on the wire and back on the client side.

export function textPart(text: string): Part {
  return {
    content: { $case: 'text', value: text },
    metadata: undefined,
    filename: '',
    mediaType: '',
  };
}

export function message(
  role: Role,
  text: string,
  ids: { contextId?: string; taskId?: string; metadata?: Record<string, unknown> } = {},
): Message {
  return {
    messageId: randomUUID(),
    contextId: ids.contextId ?? '',
    taskId: ids.taskId ?? '',
    role,
    parts: [textPart(text)],
    metadata: ids.metadata,
    extensions: [],
    referenceTaskIds: [],
  };
}

/** All text parts of a message, task (artifacts, then status message) or stream event, joined. */
export function textOf(value: Message | Task | StreamResponse | undefined): string {
  if (value === undefined) return '';
  if ('messageId' in value) return partsText(value.parts);
  if ('artifacts' in value) {
    const texts = [
      ...value.artifacts.map((a) => partsText(a.parts)),
      textOf(value.status?.message),
    ];
    return texts.filter((text) => text !== '').join('\n');
  }
  const payload = value.payload;
  switch (payload?.$case) {
    case undefined:
      return '';
    case 'message':
    case 'task':
      return textOf(payload.value);
    case 'statusUpdate':
      return textOf(payload.value.status?.message);
    case 'artifactUpdate':
      return partsText(payload.value.artifact?.parts ?? []);
  }
}

function partsText(parts: readonly Part[]): string {
  return parts
    .flatMap((part) => (part.content?.$case === 'text' ? [part.content.value] : []))
    .join('\n');
}
