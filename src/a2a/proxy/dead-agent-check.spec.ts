import { mock } from 'jest-mock-extended';
import { Database } from '../../database/database.service';
import { EventEmitter } from '../../events/event-emitter.port';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { Provisioner } from '../../provisioner/provisioner.port';
import { RestartRequests } from '../../workspaces/lifecycle/restart-requests';
import { DeadAgentCheck } from './dead-agent-check';

const WS = '7b1c7e55-1111-4aaa-8bbb-000000000001';

describe('DeadAgentCheck', () => {
  const setup = (docker: Provisioner | null) => {
    const db = mock<Database>();
    const events = mock<EventEmitter>();
    const restarts = mock<RestartRequests>();
    const check = new DeadAgentCheck(new ComputeBackends(docker, null), db, events, restarts);
    return { check, db, events, restarts };
  };

  it('without a container backend nothing is ever dead', async () => {
    const { check, db } = setup(null);
    expect(await check.isDeadAndMarkedOffline(WS, 'langgraph')).toBe(false);
    expect(db.execute).not.toHaveBeenCalled();
  });

  it('an external workspace has no container to inspect', async () => {
    const docker = mock<Provisioner>();
    const { check } = setup(docker);
    expect(await check.isDeadAndMarkedOffline(WS, 'external')).toBe(false);
    expect(docker.isRunning).not.toHaveBeenCalled();
  });

  it('a running container, or one that cannot be inspected, counts as alive', async () => {
    const docker = mock<Provisioner>();
    const { check, events } = setup(docker);
    docker.isRunning.mockResolvedValueOnce(true).mockRejectedValueOnce(new Error('daemon busy'));
    expect(await check.isDeadAndMarkedOffline(WS, 'langgraph')).toBe(false);
    expect(await check.isDeadAndMarkedOffline(WS, 'langgraph')).toBe(false);
    expect(events.recordAndBroadcast).not.toHaveBeenCalled();
  });

  it('a stopped container marks the workspace offline, announces it and asks for a restart', async () => {
    const docker = mock<Provisioner>();
    docker.isRunning.mockResolvedValue(false);
    const { check, db, events, restarts } = setup(docker);
    expect(await check.isDeadAndMarkedOffline(WS, 'langgraph')).toBe(true);
    expect(db.execute).toHaveBeenCalledWith(expect.objectContaining({ name: 'a2a.mark_offline' }), [
      WS,
    ]);
    expect(events.recordAndBroadcast).toHaveBeenCalledWith('WORKSPACE_OFFLINE', WS, {});
    expect(restarts.request).toHaveBeenCalledWith([WS], expect.any(String));
  });
});
