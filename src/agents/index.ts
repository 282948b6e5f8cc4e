// The agent layer's public API: agent tasks on the Anthropic SDK, command tasks, the shared
// API gate, and the pieces they are made of.
export { runAgentTask, type AgentTaskRequest, type AgentTaskResult } from './anthropicRunner';
export {
  ModelError,
  type AgentTool,
  type Conversation,
  type ConversationEnd,
  type ModelErrorKind,
  type ModelProvider,
  type ModelSource,
  type ModelTurn,
  type SystemBlock,
} from './modelProvider';
export { anthropicProvider } from './anthropicProvider';
export { runTurnLoop, type ChatModel, type ChatMessage, type ChatPart, type ChatReply, type ChatToolSpec, type ChatTurnRequest, type TurnLoopOptions } from './turnLoop';
export {
  runCommandTask,
  runCommandTaskInView,
  killProcessGroup,
  processGroupAlive,
  type CommandTaskRequest,
  type CommandTaskResult,
  type ViewCommandTaskRequest,
  type ViewCommandTaskResult,
} from './commandRunner';
export { createAnthropicClient, preconnectModelApi, type AnthropicClientOptions } from './client';
export { nodeFetch } from './nodeFetch';
export { AGENT_TRACE_CHANNEL, type AgentPhase, type AgentTraceMark } from './agentTrace';
export { ApiGate, ApiGateError, AUTH_MESSAGE, retryAfterMs, type ApiGateOptions, type ApiGateState, type ApiGateErrorKind } from './apiGate';
export { DEFAULT_PRICES, priceFor, costUsd, budgetTokens, type ModelPrice, type PriceTable } from './pricing';
export { DEFAULT_MODEL, DEFAULT_MAX_TOKENS } from './models';
export { normalizeToolPath, checkWrite, createWritePolicy, protectedKind, type PathCheck, type WritePolicy } from './pathGuard';
export { createFileTools, readPage, MutationFence, TOOL_NAMES, type ToolName, type FileTools, type FileToolsOptions, type ToolHooks } from './tools';
export { buildSystemPrompt, buildTaskBlock, firstUserMessage, taskIdLine, SHARED_INSTRUCTIONS, type SystemPromptInput } from './systemPrompt';
export { MemoryWorkspace, type MemoryWorkspaceHooks } from './memoryWorkspace';
export { type AgentInstance } from './systemPrompt';
export { createVoteTool, VOTE_TOOL_NAME, type VoteInput, type VoteToolOptions } from './voteTool';
export { createRankAttemptsTool, RANK_TOOL_NAME, type RankedAttempt, type RankToolOptions } from './rankAttemptsTool';
export { createProposeTasksTool, PROPOSE_TASKS_TOOL_NAME, type ProposalVerdict, type ProposeTasksToolOptions } from './proposeTasksTool';
export { plannerTask, plannerPrompt, PLANNER_INSTANCE, PLANNER_TASK_ID, type PlannerTaskInput } from './plannerPrompt';
