export { rampartValidate, RAMPART_VALIDATE, type ValidateOptions } from './plugin.js';
export { VALIDATE_PROTO_DIR } from './validate-proto.js';
