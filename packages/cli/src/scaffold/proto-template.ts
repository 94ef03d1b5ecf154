import { rpcsOf, type ServicePlan } from './plan.js';

/**
 * The `.proto` of a scaffolded service: the service with one example RPC per requested call kind, and the messages
 * those RPCs use.
 *
 * @example
 * ```ts
 * writeFileSync(join(plan.protoRoot, plan.protoFile), protoTemplate(plan));
 * ```
 */
export function protoTemplate(plan: ServicePlan): string {
  const rpcs = rpcsOf(plan);
  const used = new Set(rpcs.flatMap((r) => [r.request, r.response]));
  const messages: string[] = [
    `// An item of the example store.
message Item {
  string id = 1;
  string name = 2;
  // Who stored it last: the subject of the caller's verified token.
  string updated_by = 3;
}`,
  ];
  if (used.has('GetItemRequest')) messages.push('message GetItemRequest {\n  string id = 1;\n}');
  if (used.has('ListItemsRequest')) {
    messages.push('message ListItemsRequest {\n  // Most items to send; 0 sends them all.\n  int32 limit = 1;\n}');
  }
  if (used.has('ImportItemsResponse')) messages.push('message ImportItemsResponse {\n  int32 imported = 1;\n}');
  const lines = rpcs.map(
    (r) =>
      `  // ${r.comment}\n  rpc ${r.rpc}(${r.clientStream ? 'stream ' : ''}${r.request}) returns (${r.serverStream ? 'stream ' : ''}${r.response});`,
  );
  return `syntax = "proto3";

package ${plan.protoPackage};

// The ${plan.name} service, scaffolded by \`rampart new service\`: an example item store with one RPC per call kind.
// Rename the RPCs and messages to fit your domain, then run \`pnpm generate\` (the build does too).
service ${plan.serviceName} {
${lines.join('\n')}
}

${messages.join('\n\n')}
`;
}
