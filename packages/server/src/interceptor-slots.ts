import { RampartError, type Interceptor, type RampartPlugin } from '@rampart/core';
import type { AppPlan } from './plan-app.js';

/**
 * The app's interceptors at the places the plan gave them: the app's own first, then, per plugin, those its
 * `register` supplies for its declared `interceptors`. A plugin that supplies an interceptor it did not declare, one
 * twice, or not every one it declared stops start-up naming the plugin (`ERR_PLUGIN_INVALID`): the plan (what
 * `rampart routes` shows) and the running app never differ.
 */
export class InterceptorSlots {
  readonly #slots: (Interceptor | undefined)[];
  readonly #offsets = new Map<RampartPlugin, number>();

  constructor(
    private readonly plan: AppPlan,
    own: readonly Interceptor[],
  ) {
    this.#slots = [...own, ...new Array<undefined>(plan.interceptors.length - own.length)];
    let offset = own.length;
    for (const plugin of plan.plugins) {
      this.#offsets.set(plugin, offset);
      offset += plugin.interceptors?.length ?? 0;
    }
  }

  /** What `ctx.addInterceptor` does for `plugin`. */
  supplier(plugin: RampartPlugin): (interceptor: Interceptor) => void {
    return (interceptor) => {
      const declared = plugin.interceptors ?? [];
      const offset = this.#offsets.get(plugin) as number;
      const index = declared.findIndex((d, i) => d.name === interceptor.name && this.#slots[offset + i] === undefined);
      if (index < 0) {
        const known = declared.some((d) => d.name === interceptor.name);
        throw new RampartError(
          'ERR_PLUGIN_INVALID',
          known
            ? `plugin "${plugin.name}" added interceptor "${interceptor.name}" more often than it declares it in \`interceptors\``
            : `plugin "${plugin.name}" added interceptor "${interceptor.name}", which it does not declare: add it to the plugin's \`interceptors\` (planning, authMatrix() and rampart routes read the declarations)`,
        );
      }
      this.#slots[offset + index] = interceptor;
    };
  }

  /** Every interceptor, in plan order, once every plugin registered. */
  complete(): Interceptor[] {
    const missing = this.plan.interceptors.flatMap((declaration, i) => (this.#slots[i] === undefined ? [{ declaration, i }] : []));
    if (missing.length > 0) {
      const owner = (i: number): string =>
        [...this.#offsets].filter(([, offset]) => offset <= i).map(([plugin]) => plugin.name).pop() ?? '?';
      throw new RampartError(
        'ERR_PLUGIN_INVALID',
        missing
          .map(({ declaration, i }) => `plugin "${owner(i)}" declares interceptor "${declaration.name}" but its register step did not add it (ctx.addInterceptor)`)
          .join('; '),
      );
    }
    return this.#slots as Interceptor[];
  }
}
