export { runCli, type Command } from './cli.js';
export { cliVersion } from './version.js';
export { CliError, UsageError, EXIT, type CliIo } from './io.js';
export { HELP, helpFor } from './help.js';
export { authMatrixRows, type RouteRow } from './routes/rows.js';
export { formatRoutes, type RoutesFormat } from './routes/format.js';
export { planService, type ServicePlan, type CallKind, CALL_KINDS } from './scaffold/plan.js';
export type { ServiceNames } from './names.js';
export type { ScaffoldSettings } from './scaffold/scaffold-settings.js';
