import { Injectable } from '@nestjs/common';

/** Last tick time of each background subsystem, for `GET /admin/liveness`. */
@Injectable()
export class LoopLiveness {
  private readonly ticks = new Map<string, Date>();

  record(name: string, at: Date): void {
    this.ticks.set(name, at);
  }

  snapshot(now: Date): Record<string, { last_tick_at: Date; seconds_ago: number }> {
    const out: Record<string, { last_tick_at: Date; seconds_ago: number }> = {};
    for (const [name, at] of this.ticks) {
      out[name] = {
        last_tick_at: at,
        seconds_ago: Math.max(0, Math.floor((now.getTime() - at.getTime()) / 1000)),
      };
    }
    return out;
  }
}
