import type { DescMessage } from '@bufbuild/protobuf';

type Plain = Record<string, unknown>;
/** Drops the members of each oneof that the message's oneof field does not name; undefined: nothing to drop. */
export type OneofPruner = (message: unknown) => void;

/**
 * A message decoded by proto-loader keeps every member of a oneof that was on the wire, while the oneof's own field
 * (`oneofs: true`) names the last one, the member protobuf says is set. The validator reads the message as protobuf
 * does (the last member only), so a handler reading another member would use input nobody checked. This drops the
 * other members from the object the handler gets, in nested messages too. Undefined for a type with no oneof at
 * any depth: nothing to do per call.
 */
export function oneofPruner(schema: DescMessage, built = new Map<string, OneofPruner>()): OneofPruner | undefined {
  if (!hasOneof(schema, new Set())) return undefined;
  const known = built.get(schema.typeName);
  if (known !== undefined) return known;
  built.set(schema.typeName, (message) => pruner(message)); // a recursive type reaches itself through this (called only once built)
  const oneofs = schema.oneofs.map((oneof) => ({ name: oneof.localName, members: oneof.fields.map((f) => f.localName) }));
  const nested: { name: string; kind: 'single' | 'list' | 'map'; prune: OneofPruner }[] = [];
  for (const field of schema.fields) {
    const prune = field.message === undefined ? undefined : oneofPruner(field.message, built);
    if (prune === undefined) continue;
    nested.push({ name: field.localName, kind: field.fieldKind === 'list' ? 'list' : field.fieldKind === 'map' ? 'map' : 'single', prune });
  }
  const pruner: OneofPruner = (message) => {
    if (typeof message !== 'object' || message === null) return;
    const plain = message as Plain;
    for (const { name, members } of oneofs) {
      const chosen = plain[name];
      for (const member of members) if (member !== chosen && plain[member] !== undefined && plain[member] !== null) delete plain[member];
    }
    for (const { name, kind, prune } of nested) {
      const value = plain[name];
      if (kind === 'single') prune(value);
      else if (kind === 'list' && Array.isArray(value)) value.forEach(prune);
      else if (kind === 'map' && typeof value === 'object' && value !== null) Object.values(value).forEach(prune);
    }
  };
  return pruner;
}

function hasOneof(schema: DescMessage, seen: Set<string>): boolean {
  if (seen.has(schema.typeName)) return false;
  seen.add(schema.typeName);
  return schema.oneofs.length > 0 || schema.fields.some((field) => field.message !== undefined && hasOneof(field.message, seen));
}
