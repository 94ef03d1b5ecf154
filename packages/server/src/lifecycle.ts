import { RampartError, type LifecycleEvent, type LifecycleHook, type Logger } from '@rampart/core';

/** The hooks registered per lifecycle event, run in registration order (`onShutdown`/`onClose` in reverse). */
export class Lifecycle {
  readonly #hooks = new Map<LifecycleEvent, { owner: string; hook: LifecycleHook }[]>();

  on(event: LifecycleEvent, owner: string, hook: LifecycleHook): void {
    const list = this.#hooks.get(event) ?? [];
    list.push({ owner, hook });
    this.#hooks.set(event, list);
  }

  /**
   * Runs the hooks of `event`. Start-up events stop at the first failure (the error names the plugin); shutdown
   * events run every hook and log failures, so one bad hook cannot keep resources open; so does `onReload`, which a
   * running app must survive.
   */
  async run(event: LifecycleEvent, logger: Logger): Promise<void> {
    const list = [...(this.#hooks.get(event) ?? [])];
    const stopping = event === 'onShutdown' || event === 'onClose';
    if (stopping) list.reverse();
    for (const { owner, hook } of list) {
      try {
        await hook();
      } catch (error) {
        if (!stopping && event !== 'onReload') {
          throw new RampartError('ERR_APP_STATE', `${owner}: ${event} hook failed: ${String(error)}`, { cause: error });
        }
        logger.error({ err: error, plugin: owner, event }, 'lifecycle hook failed');
      }
    }
  }
}
