const MAX = 200;

/** A short description of a value (or a thrown error) for a failure message: `Error: boom`, `{"a":1}`. */
export function preview(value: unknown): string {
  let text: string;
  if (value instanceof Error) text = `${value.name}: ${value.message}`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX ? `${text.slice(0, MAX)}…` : text;
}
