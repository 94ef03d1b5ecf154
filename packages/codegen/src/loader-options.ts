import type { Options } from '@grpc/proto-loader';

/**
 * How messages are turned into JavaScript objects, at run time (`@grpc/proto-loader`) and in the generated types
 * (`proto-loader-gen-types`). Both must agree, so both read this one object: 64-bit integers and enums as strings,
 * defaults filled in, oneof names set, field names in lowerCamelCase.
 */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const satisfies Options;

/** The same options as `proto-loader-gen-types` flags. */
export const GEN_TYPES_FLAGS = ['--longs=String', '--enums=String', '--defaults', '--oneofs'] as const;
