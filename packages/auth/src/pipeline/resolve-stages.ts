import type { Container } from 'inversify';
import { AUTH_STAGE, AUTH_STAGE_REMOVED, type AuthStage } from './stage.js';

/**
 * The pipeline's stages from the container: every binding of `AUTH_STAGE`, a later binding replacing an earlier
 * one of the same name, minus the names bound under `AUTH_STAGE_REMOVED`, in ascending order.
 */
export function resolveStages(container: Container): AuthStage[] {
  const byName = new Map<string, AuthStage>();
  for (const stage of container.isBound(AUTH_STAGE) ? container.getAll<AuthStage>(AUTH_STAGE) : []) {
    byName.delete(stage.name);
    byName.set(stage.name, stage);
  }
  const removed = new Set(container.isBound(AUTH_STAGE_REMOVED) ? container.getAll<string>(AUTH_STAGE_REMOVED) : []);
  return [...byName.values()].filter((s) => !removed.has(s.name)).sort((a, b) => a.order - b.order);
}
