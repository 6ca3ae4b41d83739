/**
 * Options of the next provision of a workspace, stored on its row (`provision_request`) by the
 * trigger that asked for it and consumed by the provision that applies them. Requests that
 * coalesce merge: a later one overrides the keys it sets, the others stay.
 */
export interface ProvisionOptions {
  /** Template directory (relative to `CONFIGS_DIR`) copied into `/configs`. */
  readonly template?: string;
  /** Write the generated default `config.yaml` (spec 04 §4.10) — create without a template. */
  readonly generateConfig?: boolean;
  /** The create payload's model: fills the generated config and `HERMES_DEFAULT_MODEL`. */
  readonly model?: string;
  /** Files written into `/configs` as given (org and bundle import). */
  readonly configFiles?: Readonly<Record<string, string>>;
  /** `POST /restart` with `reset`: the claude-code session volume starts empty. */
  readonly resetSession?: boolean;
  /** Tell the agent about the restart once it is back online (spec 04 §5.4). */
  readonly restartContext?: boolean;
}
