// pnpm chaos: the sample system under a steady load of valid and invalid callers while faults run one after another.
// See apps/chaos/README.md.
//
// grpc-js asks the DNS server named in a dns://host:port/ target only with its alternative resolver, which it reads
// from the environment when it is first imported: set it before anything imports grpc-js.
process.env.GRPC_NODE_USE_ALTERNATIVE_RESOLVER ??= 'true';
const { main } = await import('./chaos.js');
process.exitCode = await main(process.argv.slice(2));
