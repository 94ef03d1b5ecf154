// pnpm rollout: the sample system as real processes, each replica on a host of its own, a steady mixed load through
// orders, and rolling restarts of inventory and orders that must lose no call. See apps/rollout/README.md.
//
// grpc-js asks the DNS server named in a dns://host:port/ target only with its alternative resolver, which it reads
// from the environment when it is first imported: set it before anything imports grpc-js.
process.env.GRPC_NODE_USE_ALTERNATIVE_RESOLVER ??= 'true';
const { main } = await import('./run.js');
process.exitCode = await main(process.argv.slice(2));
