// Model defaults. The ids come from the SDK's `Model` type (@anthropic-ai/sdk 1.14);
// none of these is on the SDK's deprecation list (internal/data/deprecated-models).

/** Used when neither the task nor the task file names a model. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** Output-token cap per model turn. The agent streams, so a large cap is fine. */
export const DEFAULT_MAX_TOKENS = 16_000;
