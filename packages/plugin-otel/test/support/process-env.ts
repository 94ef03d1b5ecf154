/**
 * Sets process environment variables (the OpenTelemetry SDK reads them there) for the length of `run`, then puts the
 * previous values back.
 */
export async function withProcessEnv<T>(vars: Readonly<Record<string, string>>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  try {
    return await run();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
