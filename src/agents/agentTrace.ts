// Timestamps of an agent's phases (task entered, prompt built, each turn's request started,
// response headers, first event, reply parsed, tools, end) on a diagnostics channel, for the
// profiling aids in bench/ (bench/profileTasks.ts). Nothing is built or published while the
// channel has no subscriber, so the agents' hot path pays one property read per mark.
import { channel } from 'node:diagnostics_channel';

export const AGENT_TRACE_CHANNEL = 'parallel-agents:agent';

export type AgentPhase = 'start' | 'prompt' | 'turn' | 'connect' | 'firstEvent' | 'parsed' | 'toolStart' | 'toolEnd' | 'end';

export interface AgentTraceMark {
  /** The task id (with `#instance` for an attempt, voter or judge). */
  readonly agent: string;
  readonly phase: AgentPhase;
  /** performance.timeOrigin + performance.now(): comparable across processes, below 1 ms. */
  readonly at: number;
}

const agentChannel = channel(AGENT_TRACE_CHANNEL);

/** Whether anyone listens (marks that need a listener of their own are added only then). */
export function agentTraced(): boolean {
  return agentChannel.hasSubscribers;
}

export function traceAgent(agent: string, phase: AgentPhase): void {
  if (agentChannel.hasSubscribers) agentChannel.publish({ agent, phase, at: performance.timeOrigin + performance.now() } satisfies AgentTraceMark);
}
